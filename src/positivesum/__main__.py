"""``python -m positivesum``: the command line."""

from positivesum.cli import main

if __name__ == "__main__":
    main()

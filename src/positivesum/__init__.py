"""positivesum: an open workbench for allied defence planning.

Layers (dependencies point one way): interfaces (``cli``) → ``services`` →
engines (``sim``, ``plan``, ``alliance``, ``domestic``) → ``model``.
"""

__version__ = "0.1.0"

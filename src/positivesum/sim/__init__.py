"""Campaign simulation engine and its classic building blocks."""

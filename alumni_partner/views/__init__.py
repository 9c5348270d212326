"""Public views and the forms behind public page filters."""

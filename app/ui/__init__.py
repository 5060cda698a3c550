"""Views: the only code that touches the DOM."""

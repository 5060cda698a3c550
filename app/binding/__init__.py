"""Client-side model binding: live models bound to database queries."""

"""One package per area of the site; `common` and `errors` are shared by all."""

"""One module (or folder) per SMSC endpoint area, each a handler from the request's `Context`
to the answer's text; the routes module maps request paths to them."""

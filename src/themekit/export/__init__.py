"""Exports: Table 1, quote banks, matrices and reports, written through one set of writers."""

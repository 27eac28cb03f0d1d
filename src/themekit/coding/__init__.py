"""Coding: applying codes to segments, with an audit trail, by hand, in bulk or by import."""

"""The internal site: runbooks, postmortems, action items and metrics.

Everything here may read internal fields of the model; nothing here feeds the public site.
"""

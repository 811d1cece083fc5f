"""Changelog over a whole spec history: a diff per consecutive pair, counts over time, flapping detection."""

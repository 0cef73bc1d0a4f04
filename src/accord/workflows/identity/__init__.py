"""Workspace identity resolution: gather records, link them, write the crosswalks."""

"""The new-application wizard and its pages."""

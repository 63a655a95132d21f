"""The rules of Ordinance 260209 in pure Python: no Qt, no SQL, no clock."""

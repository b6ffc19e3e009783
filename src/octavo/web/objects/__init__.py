"""The objects templates see: ``entry``, ``category``, ``view``, ``template``, ``user``."""

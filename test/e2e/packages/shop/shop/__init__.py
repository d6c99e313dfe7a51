"""A small multi-module package with package data, for the build-step test."""
from .cart import Cart

__all__ = ["Cart"]
VERSION = "1.0"

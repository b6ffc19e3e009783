"""Rendition stores: where rendered files live (a local folder or an S3-compatible bucket)."""

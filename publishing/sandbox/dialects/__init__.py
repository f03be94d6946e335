"""The sandbox answering platforms' own APIs, one module per platform, beside the generic dialect (views.py)."""

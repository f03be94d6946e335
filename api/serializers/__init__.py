"""What the API shows and accepts: plain shapes, no business logic (services and selectors hold that)."""

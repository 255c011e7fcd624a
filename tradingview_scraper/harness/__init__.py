"""Golden-file regression harness: fixture materializer, normalizer, drift reports, gates."""

"""Pure settlement rules: fees, billing, postings, funds, statements, sampling, performance."""

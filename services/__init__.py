"""Business rules, free of Flask: plain values in, plain values or domain errors out."""

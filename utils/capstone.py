"""Chapter 6, the capstone: every regularizer on MNIST-1D under one protocol."""

"""Test stand-in for the `dnnlib` package of NVlabs/stylegan: only what its network pickles refer to."""

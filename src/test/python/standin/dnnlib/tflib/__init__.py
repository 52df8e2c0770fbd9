"""Test stand-in for `dnnlib.tflib`: no TensorFlow, only the Network class path that pickles name."""

"""Test stand-in for `dnnlib.tflib.network.Network` (NVlabs/stylegan).

The official class pickles as the dictionary its __getstate__ returns (state version 3): name,
static_kwargs, components (sub-networks), build_module_src, build_func_name and variables, a list of
(local name, NumPy array) pairs in TensorFlow layout. This class lives at the same module path and
pickles the same dictionary, so that a pickle written with it has the structure of an official one;
it holds the arrays instead of a TensorFlow graph. Written for this project's tests.
"""


class Network:
    def __init__(self, name, build_func_name, static_kwargs, variables, components=None):
        self.name = name
        self.build_func_name = build_func_name
        self.static_kwargs = dict(static_kwargs)
        self.components = dict(components or {})
        self.variables = list(variables)  # [(name, ndarray or numpy scalar)]

    def __getstate__(self):
        return {
            'version': 3,
            'name': self.name,
            'static_kwargs': dict(self.static_kwargs),
            'components': dict(self.components),
            'build_module_src': '# the source of training/networks_stylegan.py would be here\n',
            'build_func_name': self.build_func_name,
            'variables': list(self.variables),
        }

    def __setstate__(self, state):
        self.name = state['name']
        self.build_func_name = state['build_func_name']
        self.static_kwargs = state['static_kwargs']
        self.components = state['components']
        self.variables = state['variables']

"""A model's or layer's config: every constructor argument, read from the attribute of its name.

The classes here keep each constructor argument under its own name (KerasHub's
habit), so their config is written once, for all of them:

    {**keras_base_config, **{argument: getattr(self, argument) for each argument}}

where the arguments are the named parameters of every seqmodels `__init__` along
the class's bases (`**kwargs` go to Keras, which writes its own).
"""

import inspect


def constructor_arguments(cls):
    """The named `__init__` parameters of `cls` and of its seqmodels bases."""
    names = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("seqmodels") or "__init__" not in vars(klass):
            continue
        for name, parameter in inspect.signature(klass.__init__).parameters.items():
            named = parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL)
            if named and name != "self" and name not in names:
                names.append(name)
    return names


class ArgumentsConfig:
    """Mixin (before the Keras base): `get_config` = the Keras base's config plus every
    constructor argument, each read from the attribute of the same name."""

    def get_config(self):
        arguments = {name: getattr(self, name) for name in constructor_arguments(type(self))}
        return {**super().get_config(), **arguments}


__all__ = ["ArgumentsConfig", "constructor_arguments"]

"""Docstring sections that several classes share, written once.

A class docstring holds a section's name in braces on a line of its own,
indented as the section is (`    {gated_arguments}`); the class decorator
`with_sections(SECTIONS)` puts the section there, so `help(GRUCell)` lists
every argument of the class while each description has one home.

    >>> @with_sections({"note": "    Note: shared."})
    ... class A:
    ...     '''Doc.
    ...
    ...     {note}
    ...     '''
    >>> A.__doc__.splitlines()[2]
    '    Note: shared.'
"""


def with_sections(sections):
    """Class decorator: each `{name}` line of the docstring becomes `sections[name]`."""

    def fill(cls):
        for name, text in sections.items():
            cls.__doc__ = cls.__doc__.replace("    {" + name + "}", text)
        return cls

    return fill


__all__ = ["with_sections"]

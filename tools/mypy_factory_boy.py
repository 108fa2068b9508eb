"""A mypy plugin: calling a factory_boy factory returns its model, as it does at run time.

factory_boy builds the object in its metaclass's untyped `__call__`, so mypy takes
`PersonFactory()` for a PersonFactory. For a factory declared with its model as the type
argument (`class PersonFactory(DjangoModelFactory[Person])`), this plugin makes the call
return `Person`, like `PersonFactory.create()` already does.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.maptype import map_instance_to_supertype
from mypy.nodes import TypeInfo
from mypy.plugin import FunctionContext, Plugin
from mypy.types import AnyType, Instance, Type, get_proper_type

BASE_FACTORY = "factory.base.BaseFactory"


def _model_of_factory(ctx: FunctionContext) -> Type:
    made = get_proper_type(ctx.default_return_type)
    if not isinstance(made, Instance):
        return ctx.default_return_type
    base = next((info for info in made.type.mro if info.fullname == BASE_FACTORY), None)
    if base is None:
        return ctx.default_return_type
    mapped = map_instance_to_supertype(made, base)
    if not mapped.args or isinstance(get_proper_type(mapped.args[0]), AnyType):
        return ctx.default_return_type
    return mapped.args[0]


class FactoryBoyPlugin(Plugin):
    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        symbol = self.lookup_fully_qualified(fullname)
        is_factory = (
            symbol is not None
            and isinstance(symbol.node, TypeInfo)
            and symbol.node.has_base(BASE_FACTORY)
        )
        return _model_of_factory if is_factory else None


def plugin(version: str) -> type[Plugin]:
    return FactoryBoyPlugin

"""What a module's names mean: scopes, bindings, imports, qualified names, constant values."""

from bastion.semantic.constants import UNKNOWN, Unknown
from bastion.semantic.index import Binding, BindingKind, ModuleIndex, Scope, ScopeKind
from bastion.semantic.module import PythonModule, module_name_for

__all__ = [
    "UNKNOWN",
    "Binding",
    "BindingKind",
    "ModuleIndex",
    "PythonModule",
    "Scope",
    "ScopeKind",
    "Unknown",
    "module_name_for",
]

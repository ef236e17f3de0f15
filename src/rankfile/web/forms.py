"""Base forms for every page: labels read "Email", not "Email:"."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def show_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: on the field it names when the form has
    that field, else at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)

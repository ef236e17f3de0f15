"""Base forms for every page: labels read "Email", not "Email:", and a refused form opens with
a summary of its errors."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from rankfile.members.editing import EditConflict, parse_seen, seen_token

# A refused form opens with a summary of its errors that takes the focus (web/form_div.html).
FORM_TEMPLATE = "web/form_div.html"


class Form(forms.Form):
    template_name_div = FORM_TEMPLATE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ModelForm(forms.ModelForm):
    template_name_div = FORM_TEMPLATE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EditForm(ModelForm):
    """A form editing a record, carrying the values it was opened on (the "seen" token of
    members/editing.py) so that the action can tell when someone else saved in between."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            fields = self._meta.fields or ()
            self.initial["seen"] = seen_token({n: getattr(self.instance, n) for n in fields})

    def changes(self) -> tuple[dict[str, Any], dict[str, str] | None]:
        """The cleaned values to save, and the values the form was opened on."""
        data = dict(self.cleaned_data)
        return data, parse_seen(data.pop("seen", ""))


def show_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: on the field it names when the form has
    that field, else at the top of the form. After an edit conflict the form gets a fresh
    "seen" token and the other person's values in the fields this person had left alone."""
    if isinstance(error, EditConflict) and "seen" in form.fields:
        data = form.data.copy()
        data[form.add_prefix("seen")] = error.token
        for change in error.changes:
            if change.name in form.fields and change.yours is None:
                data[form.add_prefix(change.name)] = change.now
        form.data = data
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)

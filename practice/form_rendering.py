"""How every form of the site renders: labels read "Name", not Django's default "Name:"."""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class PlainLabelField(BoundField):
    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(contents, attrs, "" if label_suffix is None else label_suffix, tag)

    def legend_tag(self, contents=None, attrs=None, label_suffix=None):
        return super().legend_tag(contents, attrs, "" if label_suffix is None else label_suffix)


class FormRenderer(DjangoTemplates):
    bound_field_class = PlainLabelField

"""Forms of the instructor area."""

from __future__ import annotations

from django import forms

from services.classrooms import labs
from services.classrooms.models import Classroom
from services.core import regions


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]


class ClassroomForm(forms.Form):
    name = forms.CharField(max_length=128)


class StudentForm(forms.Form):
    name = forms.CharField(max_length=128)
    email = forms.EmailField()


class RosterForm(forms.Form):
    roster = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="One student per line: name,email",
    )
    file = forms.FileField(required=False, label="Or upload a CSV file")

    def text(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read().decode("utf-8-sig", errors="replace")
        return self.cleaned_data.get("roster") or ""


class LimitsForm(forms.ModelForm):
    regions = forms.CharField(required=False, help_text="Comma separated; empty: all regions")
    services = forms.CharField(required=False, help_text="e.g. ec2, iam, s3; empty: all")
    instance_types = forms.CharField(required=False, help_text="e.g. t2.micro, t3.micro")

    class Meta:
        model = Classroom
        fields = ["max_instances", "max_vcpus", "max_volumes", "max_elastic_ips", "session_minutes"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        room = self.instance
        self.fields["regions"].initial = ", ".join(room.allowed_regions)
        self.fields["services"].initial = ", ".join(room.allowed_services)
        self.fields["instance_types"].initial = ", ".join(room.allowed_instance_types)

    def clean_regions(self) -> list[str]:
        found = _list(self.cleaned_data["regions"])
        unknown = [r for r in found if not regions.is_region(r)]
        if unknown:
            raise forms.ValidationError(f"Unknown region: {', '.join(unknown)}")
        return found

    def save(self, commit: bool = True) -> Classroom:
        room = super().save(commit=False)
        room.allowed_regions = self.cleaned_data["regions"]
        room.allowed_services = _list(self.cleaned_data["services"])
        room.allowed_instance_types = _list(self.cleaned_data["instance_types"])
        if commit:
            room.save()
        return room


class LabForm(forms.Form):
    lab = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lab"].choices = [("", "No lab")] + [
            (lab.slug, lab.title) for lab in labs.all_labs()
        ]

"""Synthetic organisations: a realistic, reproducible stand-in for real HR and mail data.

This stage sits *before* the pipeline: it makes the input tables an analyst would export (HR
roster, mail log, chat log, survey, social-network activity, and with a programme launch the
adoption of the behaviour it promotes) for an organisation that never existed, with a known
answer planted in it. :func:`make_organization` generates them from a seed, fully vectorised
(50,000 people and several million sender -> recipient pairs in seconds), and
:func:`load_sample` reads the small bundled sample (300 people, 8 departments, 3 months). Both
return an :class:`Organization`, whose tables go to :mod:`ambassadors.io` readers as they are
(:meth:`Organization.write` writes them as the CSV files those readers take).

Everything here is synthetic: names come from a short built-in list, addresses end in
``@example.com``, and no message has content.

Modules: ``_organization`` (the container, its files, the sample), ``_roster`` (people and the
planted roles), ``_mail`` (mail and chat), ``_signals`` (survey and activity), ``_timeline``
(the programme: launch, effect, changes, adoption), ``_make`` (:func:`make_organization`),
``_tables`` (text columns and CSV files as the readers see them).
"""

from __future__ import annotations

from ambassadors.datasets._make import make_organization
from ambassadors.datasets._organization import SAMPLE_OPTIONS, Organization, load_sample, sample_paths
from ambassadors.datasets._signals import LIKERT

__all__ = [
    "Organization", "make_organization", "load_sample", "sample_paths", "LIKERT", "SAMPLE_OPTIONS",
]

"""Every "How to read this" text, in one place: the panels (mandate_core.panels) attach them to their
charts, so the page, the debrief slide and the pack explain a chart in the same words.  The thresholds
they quote come from where the rules live (the takeaway levels, disclosure's wording), never restated."""

from __future__ import annotations

from mandate_core.disclosure import fewer_than
from mandate_core.findings.common import ALIGNMENT_HIGH, ALIGNMENT_LOW, CONSENSUS_HIGH, CONSENSUS_LOW, GAP_LEVEL

_BANDS_GLOSS = (
    "The spectrum runs from 1 to 6: **Better** (1–2) means doing what the council already does, but "
    "better — service efficiency; **Differently** (3–4) means doing it in a different way — redesigning "
    "around people's needs; **New** (5–6) means doing something not done before — designing out the need "
    "for the service."
)


def how_to_read_overview(min_group: int) -> str:
    return (
        "Each row is one council. The hollow dot is where its change programme is **now**; the filled dot "
        "is its **ambition** for about five years' time; the line between them is the distance it wants "
        "to travel. Dots take the colour of the band they fall in. Councils are sorted by ambition, "
        "highest at the top. " + _BANDS_GLOSS + " Each council's position is the average of every answer "
        f"across all its themes. A council with {fewer_than(min_group)} is left off the chart."
    )


def how_to_read_council(min_group: int) -> str:
    return (
        "Each row is one of the council's themes; the top row is all themes together. The hollow grey dot "
        "is **now**, the light blue diamond the **next step** (one to two years) and the dark blue dot the "
        "**ambition** (about five years); the arrow runs from now to the ambition. " + _BANDS_GLOSS +
        f" A value behind {fewer_than(min_group)} is not shown."
    )


def how_to_read_risk(min_group: int) -> str:
    return (
        "Risk appetite is scored on five levels, from avoiding risk to seeking it: 1 Averse, 2 Minimal, "
        "3 Cautious, 4 Open, 5 Eager (the UK government's scale). The hollow dot is the average for "
        "**now**, the filled dot for the **ambition**. A council "
        "that wants to go further usually needs more appetite for risk; a big ambition with an Averse or "
        "Minimal appetite is worth talking about. Risk is shown only when at least "
        f"{min_group} participants gave a risk score."
    )


def how_to_read_consensus() -> str:
    return (
        "Consensus measures how much people agreed, from 0 to 1 (Tastle and Wierman's measure): 1 means "
        "everyone gave the same score; 0 means half gave 1 and half gave 6. "
        f"We call {CONSENSUS_HIGH:.1f} or more **high**, {CONSENSUS_LOW:.1f} to {CONSENSUS_HIGH:.1f} "
        f"**moderate** and under {CONSENSUS_LOW:.1f} **low**. The top row pools every answer across the "
        "themes, so it is often lower than each theme on its own: people can agree within a theme and still "
        "want different things on different themes. Low agreement on a theme is a prompt for a "
        "conversation, not a mistake."
    )


def how_to_read_groups(min_group: int) -> str:
    return (
        "Each row is a group of participants answering this theme for the chosen horizon: everyone, "
        "the officers, the members, then each political group, with how many people are behind it (n). "
        "The mark is the group's average score: dark grey for everyone, black for officers, vermilion for "
        "members, and a colour and shape of its own for each political group (not the party's colour; the "
        "band colours are kept for Better, Differently and New). " + _BANDS_GLOSS +
        f" A group with {fewer_than(min_group, 'people')} is not shown, and sometimes a second group is hidden "
        "too, so that the small one cannot be worked out from the totals."
    )


def how_to_read_gap() -> str:
    return (
        "Each bar is the members' average minus the officers' average for one theme, in points on the 1–6 "
        "scale. A bar to the right (orange-red) means members want to go further than officers; a bar to "
        f"the left (black) means officers want to go further. A gap under {GAP_LEVEL} points either way "
        "counts as about level (grey bars, named in the key). It is shown only when officers and members "
        "each have enough "
        "participants."
    )


def how_to_read_cross_party() -> str:
    return (
        "Cross-party alignment runs from 0 to 1: one minus the distance between the most and the least "
        "ambitious political group, divided by 5 (the width of the scale). 1 means every group gave the same "
        f"average; {ALIGNMENT_HIGH:.1f} or more (groups within one point) is **closely aligned**; under "
        f"{ALIGNMENT_LOW:.1f} (more than two points, a whole band, apart) is **divided**. It needs at least two "
        "political groups large enough to show."
    )


def how_to_read_distribution(min_group: int) -> str:
    return (
        "Each bar shows how a group's answers spread over the six scores, as a share of its answers. The "
        "bars are centred on the middle of the scale (between 3 and 4): answers of 1–3 run to the left and "
        "4–6 to the right, so **Better** (1–2, blue) sits on the far left, **Differently** (3–4, orange) "
        "straddles the centre and **New** (5–6, purple) sits on the far right; within a band, the stronger "
        "shade is the more extreme score (1 or 6) and the paler one the milder (2 or 5). A bar leaning right is a "
        "group wanting bolder change; a long bar on both sides is a group that disagrees within itself. "
        "A segment too narrow for its label (under 8% of a group's answers) shows its share when you hover "
        "over it. "
        f"Groups with {fewer_than(min_group, 'people')} are not shown."
    )


HOW_TO_READ_GRID = """
Each row is a council (its latest workshop round), each column one of the eight **sector themes** that
every council's own themes are mapped to, so that themes can be compared across councils.

- **Ambition** colours each cell by where the council wants to be in about five years on the 1–6 change
  scale, in the band colours used on every page: sky blue is **Better** (under 2.5: do what we do, but
  better — service efficiency), orange **Differently** (2.5 to 4.5: redesign around need) and pink
  **New** (4.5 and over: do something not done before — design out the need). Within a band the colour
  deepens towards the band's upper limit; the colour bar marks the limits at 2.5 and 4.5.
- **Gap** colours each cell by how far ambition is ahead of where the change programme is *now*
  (ambition − now, in points of the 1–6 scale): the deeper the green, the bigger the leap wanted; yellow
  means an ambition below where the council says it is now.
- A **grey** cell had too few participants to show; a blank cell is a theme the council did not work on.
- The framed row is the council chosen in the sidebar.
"""

HOW_TO_READ_BARS = """
The chosen council's own themes, most ambitious at the top. Each bar is the average ambition score
(1–6) of everyone who answered for that theme, coloured by its band: **Better** (service efficiency),
**Differently** (redesign around need), **New** (design out the need). A theme answered by too few people
is listed without a bar.
"""

HOW_TO_READ_BENCHMARK = """
Each row is one comparison: **Overall** (all themes together) and then each sector theme the chosen
council worked on. The **diamond** (its value written above it) is the chosen council; the **grey box**
spans the middle half of the peer councils with a **black line** at their median, and the **grey dots**
just below are the peers themselves (each in its latest round; hover for a name). The sentence beside
each row says whether it is above or below the peer median and in which quarter of the peers it sits.
With fewer than four peers there is no box and no percentile: the row says "compare with care".

On the change scale, **Better** means service efficiency, **Differently** redesign around need and
**New** designing out the need. A peer whose value had too few participants is left out.

Benchmarks are *prompts for questions, not a ranking*: a difference from peers is a question to ask in the
room ("why are we more cautious on care than similar councils?"), not a score.
"""

HOW_TO_READ_ONE = """
Each point is the average change score (1–6) of everyone who answered in that workshop round, for the
three horizons: **now** (dotted), the **next step** in one to two years (dashed) and the long-run
**ambition** (solid). The shaded bands are **Better** (service efficiency), **Differently** (redesign
around need) and **New** (design out the need). A point with too few participants is left out.
"""

HOW_TO_READ_ALL = """
One line per theme at the horizon chosen in the sidebar, from the first round to the latest. Themes are
matched across rounds by their sector theme (so a renamed theme still lines up). A rising line means the
council wants to go further on that theme than it did last time. Shaded bands: **Better** (service
efficiency), **Differently** (redesign around need), **New** (design out the need).
"""

"""Random sequences of edits and moves by random members never break the review's promises."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from campaigns import editing, workflow
from campaigns.models import Approval, ContentItem, Membership, Role, Transition
from campaigns.workflow import WorkflowError
from tests import builders

S = ContentItem.State
ROLES = [Role.CONTRIBUTOR, Role.EDITOR, Role.EDITOR, Role.MANAGER, Role.MANAGER, Role.MANAGER, Role.ADMIN]
MEMBER = st.integers(0, len(ROLES) - 1)
serial = itertools.count()
REACHED: set[str] = set()  # states some example reached: the run must have gone all the way


class ReviewMachine(RuleBasedStateMachine):
    @initialize(kind=st.sampled_from([ContentItem.Kind.POST, ContentItem.Kind.ALERT]), author=st.integers(0, 3))
    def create_item(self, kind: str, author: int) -> None:
        n = next(serial)  # only names differ between examples; what happens depends on the draws
        organisation = builders.make_organisation(f"Organisation {n}", languages=["en"])
        self.members = [builders.make_member(organisation, f"m{n}-{i}", role) for i, role in enumerate(ROLES)]
        campaign = builders.make_campaign(organisation)
        self.item = builders.make_item(campaign, kind=kind, author=self.members[author])
        self.variant = builders.make_variant(self.item)
        self.published_hash: str | None = None

    def refresh(self) -> ContentItem:
        self.item.refresh_from_db()
        return self.item

    @rule(member=MEMBER, words=st.text(alphabet="abc ", min_size=1, max_size=12))
    def edit(self, member: int, words: str) -> None:
        item = self.refresh()
        try:
            editing.edit_variant(self.variant, self.members[member], item.version, {"text": f"{words} #FluVaccine"})
        except WorkflowError as refusal:
            assert refusal.code in ("forbidden", "wrong_state")

    def attempt(self, action: str, member: int) -> None:
        try:
            workflow.perform(self.refresh(), action, self.members[member], comment="Reviewed.")
        except WorkflowError as refusal:
            assert refusal.status in (400, 403, 409)

    @rule(pick=st.integers(0, 100))
    def advance(self, pick: int) -> None:
        """The next move on the way to publication, by someone whose role allows it (the author may be picked)."""
        state = self.refresh().state
        if state == S.SCHEDULED:
            return self.engine_publishes()
        decision = "approve" if pick % 3 else "request_changes"
        next_moves = {S.DRAFT: "submit", S.IN_REVIEW: decision, S.APPROVED: "schedule", S.CHANGES_REQUESTED: "rework"}
        action = next_moves.get(state)
        if action is None:
            return None
        roles = workflow.TRANSITIONS[action].roles
        candidates = [i for i, role in enumerate(ROLES) if role in roles]
        return self.attempt(action, candidates[pick % len(candidates)])

    # One rule per move, so that each is tried as often as the others whatever the table holds.
    @rule(member=MEMBER)
    def submit(self, member: int) -> None:
        self.attempt("submit", member)

    @rule(member=MEMBER)
    def approve(self, member: int) -> None:
        self.attempt("approve", member)

    @rule(member=MEMBER)
    def request_changes(self, member: int) -> None:
        self.attempt("request_changes", member)

    @rule(member=MEMBER)
    def rework(self, member: int) -> None:
        self.attempt("rework", member)

    @rule(member=MEMBER)
    def schedule(self, member: int) -> None:
        self.attempt("schedule", member)

    @rule(member=MEMBER)
    def unschedule(self, member: int) -> None:
        self.attempt("unschedule", member)

    @rule(member=MEMBER, action=st.sampled_from(["archive", "return_to_review"]))
    def other_moves(self, member: int, action: str) -> None:
        self.attempt(action, member)

    @rule()
    def engine_publishes(self) -> None:
        try:
            workflow.perform(self.refresh(), "mark_published", None)
        except WorkflowError as refusal:
            assert refusal.code == "wrong_state"
        else:
            self.published_hash = workflow.content_hash(self.item)

    @invariant()
    def nothing_is_scheduled_or_published_without_the_approvals_of_its_current_version(self) -> None:
        item = self.refresh()
        if item.state in (S.SCHEDULED, S.PUBLISHED, S.APPROVED):
            assert workflow.is_approved_version(item), item.state

    @invariant()
    def note_the_state_reached(self) -> None:
        REACHED.add(self.item.state)

    @invariant()
    def published_content_never_changes(self) -> None:
        if self.published_hash is not None:
            assert workflow.content_hash(self.refresh()) == self.published_hash

    @invariant()
    def approvals_come_from_distinct_managers_who_are_not_the_author(self) -> None:
        item = self.refresh()
        standing = list(workflow.standing_approvals(item).values_list("manager", flat=True))
        assert len(standing) == len(set(standing))
        all_approvers = set(Approval.objects.filter(item=item).values_list("manager", flat=True))
        assert item.author_id not in all_approvers
        managers = set(Membership.objects.filter(role=Role.MANAGER).values_list("user", flat=True))
        assert all_approvers <= managers

    @invariant()
    def every_state_is_reached_by_a_recorded_transition(self) -> None:
        item = self.refresh()
        moves = list(Transition.objects.filter(item=item).order_by("created_at", "pk"))
        assert (moves[-1].to_state if moves else S.DRAFT) == item.state
        for before, after in itertools.pairwise(moves):
            assert before.to_state == after.from_state


def test_review_invariants_hold_for_random_sequences(db) -> None:
    run_state_machine_as_test(
        ReviewMachine,
        settings=settings(
            max_examples=80, stateful_step_count=30, deadline=None, derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )  # fmt: skip
    assert {S.IN_REVIEW, S.APPROVED, S.SCHEDULED, S.PUBLISHED, S.CHANGES_REQUESTED} <= REACHED, REACHED

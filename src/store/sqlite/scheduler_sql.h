// The scheduler's queries, kept together so a test can check their plans (no table scans of
// enrollments at any size). Due work is found per open lane (sequence × mailbox) through the
// partial index enrollments_due(sequence_id, mailbox_id, next_run_at): the overdue contacts
// of a paused sequence, or of a mailbox that is paused, full for today or between sends, are
// never even looked at, however many there are.
#pragma once

namespace mailmark::sqlite::sql {

// The earliest unleased due time of lane l (an index probe, not an aggregate).
#define MM_EARLIEST_DUE                                                  \
  "(SELECT e.next_run_at FROM enrollments e INDEXED BY enrollments_due " \
  "WHERE e.sequence_id = l.sequence_id AND e.mailbox_id = l.mailbox_id " \
  "AND e.status = 'active' AND e.lease_owner IS NULL ORDER BY e.next_run_at LIMIT 1)"

// The lanes (one sequence's work on one mailbox) that may send now: active sequence, active
// mailbox that is not waiting for its next day or the end of a send gap.
#define MM_OPEN_LANES                                              \
  "FROM sending_lanes l JOIN sequences s ON s.id = l.sequence_id " \
  "JOIN mailboxes m ON m.id = l.mailbox_id WHERE s.status = 'active' AND m.status = 'active'"

// (sequence id, mailbox id, earliest due time, the sequence's schedule) of every open lane
// with unleased work due by ?1, earliest first.
inline constexpr const char* kDueLanes =
    "WITH d AS MATERIALIZED (SELECT l.sequence_id AS sid, l.mailbox_id AS mid, " MM_EARLIEST_DUE
    " AS due, s.schedule AS schedule " MM_OPEN_LANES
    " AND m.send_after <= ?1 AND l.open_after <= ?1) "
    "SELECT sid, mid, due, schedule FROM d WHERE due <= ?1 ORDER BY due";

// Up to ?4 unleased enrollments of sequence ?1 on mailbox ?2 due by ?3, earliest first, with
// their contact's zone.
inline constexpr const char* kDueInLane =
    "SELECT pk, next_run_at, contact_timezone FROM enrollments INDEXED BY enrollments_due "
    "WHERE sequence_id = ?1 AND mailbox_id = ?2 AND status = 'active' "
    "AND lease_owner IS NULL AND next_run_at <= ?3 ORDER BY next_run_at, pk LIMIT ?4";

// Up to ?2 enrollments of active sequences on active mailboxes whose lease expired by ?1 (a
// node died), with their mailbox. Driven by the small partial index of leased rows, never by
// the (huge) set of active ones.
inline constexpr const char* kExpiredLeases =
    "SELECT e.pk, e.next_run_at, e.mailbox_id, e.contact_timezone, s.schedule FROM enrollments e "
    "INDEXED BY enrollments_lease_until "
    "JOIN sequences s ON s.id = e.sequence_id JOIN mailboxes m ON m.id = e.mailbox_id "
    "WHERE e.lease_owner IS NOT NULL AND e.lease_until <= ?1 AND e.status = 'active' "
    "AND e.next_run_at <= ?1 AND s.status = 'active' AND m.status = 'active' "
    "AND m.send_after <= ?1 ORDER BY e.next_run_at, e.pk LIMIT ?2";

inline constexpr const char* kLease =
    "UPDATE enrollments SET lease_owner = ?, lease_until = ? WHERE pk = ?";

// A run that ends its enrollment (completed, or bounced): where it stopped and its final
// status in one write. (Two writes, a run's landing and then the status, moved the row into
// the due and step indexes as active and unleased, and straight back out.)
inline constexpr const char* kFinishRun =
    "UPDATE enrollments SET last_step_id = ?1, status = ?2, status_reason = ?3, "
    "next_run_at = NULL, paused_until = NULL, lease_owner = NULL, lease_until = NULL, "
    "updated_at = ?4 WHERE id = ?5";

// The earliest moment anything becomes claimable: a due time (or, later, the moment its
// mailbox may send again), or a lease's expiry. Paused sequences and mailboxes wake nothing:
// resuming them wakes the scheduler.
inline constexpr const char* kNextWake =
    "SELECT MIN(t) FROM ("
    "SELECT MAX(m.send_after, l.open_after, " MM_EARLIEST_DUE ") AS t " MM_OPEN_LANES
    " UNION ALL "
    "SELECT MIN(MAX(e.lease_until, e.next_run_at, m.send_after)) FROM enrollments e "
    "INDEXED BY enrollments_lease_until JOIN sequences s ON s.id = e.sequence_id "
    "JOIN mailboxes m ON m.id = e.mailbox_id "
    "WHERE e.lease_owner IS NOT NULL AND e.status = 'active' AND s.status = 'active' "
    "AND m.status = 'active')";

#undef MM_EARLIEST_DUE
#undef MM_OPEN_LANES

// What BeginSends and RecordOutcomes check before acting on an enrollment.
inline constexpr const char* kRunState =
    "SELECT e.status, s.status, e.lease_owner, e.lease_until, e.sequence_id, e.last_step_id, "
    "e.mailbox_id, e.contact_timezone, e.paused_until FROM enrollments e "
    "JOIN sequences s ON s.id = e.sequence_id WHERE e.id = ?";

// 1 when enrollment ?1 may still be sent to at ?2 (StillSendable); no row when unknown.
inline constexpr const char* kStillSendable =
    "SELECT e.status = 'active' AND s.status = 'active' AND m.status = 'active' "
    "AND (e.paused_until IS NULL OR e.paused_until <= ?2) "
    "FROM enrollments e JOIN sequences s ON s.id = e.sequence_id "
    "JOIN mailboxes m ON m.id = e.mailbox_id WHERE e.id = ?1";

// The leases of node ?1 and of its workers, named "?1/<anything>". A range rather than LIKE:
// nothing in a node's name needs escaping, and the lease_owner index serves it ('0' is the
// byte after '/', so the range holds exactly the names that start with "?1/").
inline constexpr const char* kReleaseNode =
    "UPDATE enrollments SET lease_owner = NULL, lease_until = NULL "
    "WHERE lease_owner IS NOT NULL AND (lease_owner = ?1 "
    "OR (lease_owner >= ?1 || '/' AND lease_owner < ?1 || '0'))";

// Followed by the enrollment ids' placeholders and ")": ?1 the new expiry, ?2 the node.
inline constexpr const char* kRenewLeasesPrefix =
    "UPDATE enrollments SET lease_until = ?1 "
    "WHERE lease_owner = ?2 AND status = 'active' AND id IN (";

}  // namespace mailmark::sqlite::sql

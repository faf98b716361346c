#include "store/sqlite/sending_limits.h"

#include <algorithm>
#include <random>

#include "core/time_zone.h"

namespace mailmark::sqlite {
namespace {

std::int64_t DrawGap(const SendGap& gap) {
  if (gap.max_ms <= gap.min_ms) return gap.min_ms;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_int_distribution<std::int64_t>(gap.min_ms, gap.max_ms)(rng);
}

}  // namespace

MailboxGate* MailboxGates::Of(const Id& mailbox_id) {
  auto it = gates_.find(mailbox_id);
  if (it != gates_.end()) return it->second ? &*it->second : nullptr;
  auto q = c_.Prepare(
      "SELECT status, send_after, daily_limit, send_gap_min_ms, send_gap_max_ms, timezone "
      "FROM mailboxes WHERE id = ?");
  q.Bind(mailbox_id);
  std::optional<MailboxGate> gate;
  if (q.Step()) {
    gate.emplace();
    gate->id = mailbox_id;
    gate->active = q.Text(0) == "active";
    gate->send_after = q.Int(1);
    gate->daily_limit = q.OptInt(2);
    gate->gap = SendGap{q.Int(3), q.Int(4)};
    // A zone that no longer parses (tzdata changed under us) counts days in UTC rather than
    // stopping the mailbox.
    auto zone = TimeZone::Parse(q.Text(5));
    gate->today = DayOf(zone ? *zone : TimeZone::Utc(), now_);
    if (gate->daily_limit) {
      auto d = c_.Prepare("SELECT sends FROM mailbox_days WHERE mailbox_id = ? AND day = ?");
      d.Bind(mailbox_id, gate->today.key);
      if (d.Step()) gate->sends_today = d.Int(0);
    }
  }
  it = gates_.emplace(mailbox_id, std::move(gate)).first;
  return it->second ? &*it->second : nullptr;
}

void MailboxGates::CloseUntil(MailboxGate& gate, std::int64_t until) {
  if (gate.send_after >= until) return;
  gate.send_after = until;
  c_.Prepare("UPDATE mailboxes SET send_after = MAX(send_after, ?) WHERE id = ?")
      .Bind(until, gate.id)
      .Run();
}

std::size_t MailboxGates::Quota(MailboxGate& gate) {
  if (!gate.active || gate.send_after > ToMillis(now_)) return 0;
  std::size_t quota = kNoQuota;
  if (gate.daily_limit) {
    const std::int64_t room = *gate.daily_limit - gate.sends_today;
    if (room <= 0) {
      CloseUntil(gate, ToMillis(gate.today.end));
      return 0;
    }
    quota = static_cast<std::size_t>(room);
  }
  if (gate.gap.enabled()) quota = std::min<std::size_t>(quota, 1);
  return quota;
}

std::size_t MailboxGates::ClaimQuota(MailboxGate& gate) {
  const std::size_t quota = Quota(gate);
  if (quota == 0 || quota == kNoQuota) return quota;
  if (!gate.in_flight) {
    // The small partial index of leased rows, never the mailbox's waiting ones.
    auto q = c_.Prepare(
        "SELECT COUNT(*) FROM enrollments INDEXED BY enrollments_lease_until "
        "WHERE lease_owner IS NOT NULL AND lease_until > ? AND mailbox_id = ?");
    q.Bind(now_, gate.id);
    gate.in_flight = q.Step() ? q.Int(0) : 0;
  }
  const auto in_flight = static_cast<std::size_t>(*gate.in_flight);
  return quota > in_flight ? quota - in_flight : 0;
}

bool MailboxGates::TryBegin(MailboxGate& gate, Timestamp lease_until) {
  if (Quota(gate) == 0) return false;
  if (gate.daily_limit) {
    c_.Prepare(
          "INSERT INTO mailbox_days (mailbox_id, day, sends) VALUES (?, ?, 1) "
          "ON CONFLICT (mailbox_id, day) DO UPDATE SET sends = sends + 1")
        .Bind(gate.id, gate.today.key)
        .Run();
    ++gate.sends_today;
    if (gate.sends_today >= *gate.daily_limit) CloseUntil(gate, ToMillis(gate.today.end));
  }
  if (gate.gap.enabled()) CloseUntil(gate, ToMillis(lease_until));
  return true;
}

void MailboxGates::AfterOutcome(MailboxGate& gate) {
  if (!gate.gap.enabled()) return;
  // Replaces the in-flight closure: the pause runs from the end of this send. A full
  // mailbox stays closed to the end of its day.
  std::int64_t next = ToMillis(now_) + DrawGap(gate.gap);
  if (gate.daily_limit && gate.sends_today >= *gate.daily_limit)
    next = std::max(next, ToMillis(gate.today.end));
  gate.send_after = next;
  c_.Prepare("UPDATE mailboxes SET send_after = ? WHERE id = ?").Bind(next, gate.id).Run();
}

std::vector<bool> RecentSendOutcomes(Connection& c, const Id& mailbox_id, std::size_t limit) {
  std::int64_t after = 0;
  {
    auto m = c.Prepare("SELECT judged_after_pk FROM mailboxes WHERE id = ?");
    m.Bind(mailbox_id);
    if (!m.Step()) return {};
    after = m.Int(0);
  }
  // A send is a message handed to the transport whose outcome is known: sent, or failed
  // other than withdrawn before it went out (those were never sent). An index range from
  // the newest back, never the mailbox's whole history.
  auto q = c.Prepare(
      "SELECT bounced FROM messages INDEXED BY messages_mailbox "
      "WHERE mailbox_id = ?1 AND pk > ?2 "
      "AND (state = 'sent' OR (state = 'failed' AND substr(response, 1, 9) <> 'withdrawn')) "
      "ORDER BY pk DESC LIMIT ?3");
  q.Bind(mailbox_id, after, limit);
  std::vector<bool> out;
  while (q.Step()) out.push_back(q.Int(0) != 0);
  return out;
}

void JudgeBounceRate(Connection& c, const Id& mailbox_id, Timestamp now) {
  auto q = c.Prepare(
      "SELECT bounce_max_percent, bounce_over_last FROM mailboxes "
      "WHERE id = ? AND status = 'active' AND bounce_max_percent IS NOT NULL");
  q.Bind(mailbox_id);
  if (!q.Step()) return;
  const BounceProtection protection{static_cast<int>(q.Int(0)), static_cast<int>(q.Int(1))};
  std::vector<bool> recent =
      RecentSendOutcomes(c, mailbox_id, static_cast<std::size_t>(protection.over_last));
  const auto sends = static_cast<std::int64_t>(recent.size());
  const auto bounced = static_cast<std::int64_t>(std::count(recent.begin(), recent.end(), true));
  if (!BounceRateExceeded(protection, bounced, sends)) return;
  c.Prepare(
       "UPDATE mailboxes SET status = 'paused', paused_reason = 'bounce_rate', paused_at = ?, "
       "paused_bounced = ?, paused_sends = ? WHERE id = ? AND status = 'active'")
      .Bind(now, bounced, sends, mailbox_id)
      .Run();
}

void CountReportedBounce(Connection& c, const Id& enrollment_id, Timestamp now) {
  auto q = c.Prepare(
      "SELECT pk, mailbox_id FROM messages WHERE enrollment_id = ? AND state = 'sent' "
      "ORDER BY pk DESC LIMIT 1");
  q.Bind(enrollment_id);
  if (!q.Step()) return;
  const std::int64_t pk = q.Int(0);
  const std::optional<std::string> mailbox = q.OptText(1);
  c.Prepare("UPDATE messages SET bounced = 1 WHERE pk = ?").Bind(pk).Run();
  if (mailbox) JudgeBounceRate(c, *mailbox, now);
}

}  // namespace mailmark::sqlite

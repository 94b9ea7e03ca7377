// Where each notification channel keeps its place: how far into the change log it has
// planned, the messages planned but not yet delivered (its outbox, in order), and the messages
// it gave up on (dead letters) until an administrator replays them. Planning a change record
// and advancing the cursor past it is one transaction, so a crash loses nothing and a message
// is sent at least once. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/domain/change.h"

namespace pim::notify {

// One message as a channel will send it.
struct Outgoing {
  std::string key;        // idempotency key, unique per channel: "<notification id>" or "/<to>"
  std::string recipient;  // e-mail address; empty for webhooks
  std::string body;       // the rendered message (MIME text, JSON payload)
  friend bool operator==(const Outgoing&, const Outgoing&) = default;
};

struct QueuedMessage {
  std::int64_t seq = 0;  // order within the channel's outbox
  Outgoing message;
  int attempts = 0;  // failed attempts so far
  std::string last_error;
};

struct DeadLetter {
  std::int64_t id = 0;
  std::string channel;
  Outgoing message;
  int attempts = 0;
  std::string error;  // why it was given up (no secrets: status lines, not bodies)
  absl::Time at;      // when it was given up
};

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;

  // The last revision `channel` planned, or nullopt for a channel never seen.
  [[nodiscard]] virtual absl::StatusOr<std::optional<Revision>> Cursor(
      const std::string& channel) = 0;
  // Appends `messages` to the channel's outbox and sets its cursor to `revision`, atomically.
  [[nodiscard]] virtual absl::Status Enqueue(const std::string& channel, Revision revision,
                                             const std::vector<Outgoing>& messages) = 0;
  // The oldest `limit` undelivered messages of `channel`, in order.
  [[nodiscard]] virtual absl::StatusOr<std::vector<QueuedMessage>> Pending(
      const std::string& channel, std::size_t limit) = 0;
  // The oldest undelivered message of `channel`, if any.
  [[nodiscard]] absl::StatusOr<std::optional<QueuedMessage>> Head(const std::string& channel) {
    auto first = Pending(channel, 1);
    if (!first.ok()) return first.status();
    if (first->empty()) return std::optional<QueuedMessage>();
    return std::optional<QueuedMessage>(std::move(first->front()));
  }
  // The message was delivered: removes it.
  [[nodiscard]] virtual absl::Status MarkSent(const std::string& channel, std::int64_t seq) = 0;
  // A failed attempt; the message stays where it is in the outbox.
  [[nodiscard]] virtual absl::Status RecordFailure(const std::string& channel, std::int64_t seq,
                                                   const std::string& error) = 0;
  // Gives up on the message: moves it to the dead letters.
  [[nodiscard]] virtual absl::Status Bury(const std::string& channel, std::int64_t seq,
                                          const std::string& error, absl::Time at) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<DeadLetter>> DeadLetters() = 0;
  // Puts a dead letter back at the end of its channel's outbox. NotFound if there is none.
  [[nodiscard]] virtual absl::Status Replay(std::int64_t id) = 0;
};

}  // namespace pim::notify

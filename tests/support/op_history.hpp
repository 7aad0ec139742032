// support/op_history.hpp: what the many-writers workers did, op by op, and the checks that the
// store behaved like one register per key: every read returned a value some writer wrote (or a
// proven absence a remove explains), every listed name could be read, and each key ends holding
// what a writer acknowledged last for it. Times are CLOCK_MONOTONIC ns, comparable across
// processes on one machine.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace securestore::test {

/// One operation as a worker logged it: "op\tkey\tstart\tend\toutcome\ttag" per line.
/// op: set | get | remove | list | listed-get (a get of a name list returned, started right after
/// it: its start is the list's start). outcome: ok | true | false (remove) | not_found | err:<code>
/// | garbage (a value that is not a whole value of this test). tag: for set, the writer and
/// sequence number written ("w3.1:17"); for get, the one read; else "-".
struct logged_op {
  std::string op, key;
  std::int64_t start = 0, end = 0;
  std::string outcome, tag;
};

/// The value a worker writes: the key, the writer and its sequence number, and filler. A value
/// read back under another key, or torn, does not parse to the key it was read from.
[[nodiscard]] inline std::string tagged_value(const std::string& key, const std::string& tag) {
  return key + "|" + tag + "|" + std::string(64, 'v');
}

/// The tag of a value made by tagged_value for `key`, or nullopt.
[[nodiscard]] inline std::optional<std::string> tag_of(const std::string& key, std::string_view value) {
  const std::string prefix = key + "|";
  if (!value.starts_with(prefix) || !value.ends_with("|" + std::string(64, 'v'))) return std::nullopt;
  return std::string{value.substr(prefix.size(), value.size() - prefix.size() - 65)};
}

[[nodiscard]] inline std::string format_op(const logged_op& o) {
  std::ostringstream line;
  line << o.op << '\t' << o.key << '\t' << o.start << '\t' << o.end << '\t' << o.outcome << '\t' << o.tag << '\n';
  return line.str();
}

[[nodiscard]] inline std::vector<logged_op> parse_ops(const std::string& text) {
  std::vector<logged_op> ops;
  std::istringstream lines{text};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields{line};
    logged_op o;
    std::string start, end;
    if (std::getline(fields, o.op, '\t') && std::getline(fields, o.key, '\t') && std::getline(fields, start, '\t') &&
        std::getline(fields, end, '\t') && std::getline(fields, o.outcome, '\t') && std::getline(fields, o.tag)) {
      o.start = std::stoll(start);
      o.end = std::stoll(end);
      ops.push_back(std::move(o));
    }
  }
  return ops;
}

/// The checks over all workers' logs. `final_value(key)` is the tag the key holds after the run,
/// or nullopt when it is absent.
class op_history {
 public:
  explicit op_history(std::vector<logged_op> ops) : ops_{std::move(ops)} {
    for (const auto& o : ops_) {
      if (o.op == "set" && o.outcome == "ok") writes_[o.key].push_back(&o);
      if (o.op == "remove" && (o.outcome == "true" || o.outcome == "false")) writes_[o.key].push_back(&o);
      if (o.op == "set") set_start_[o.key + "\t" + o.tag] = o.start;
      // A remove that failed may still have taken effect (the keyring's copy went, the file's not).
      if (o.op == "remove") removes_[o.key].push_back(&o);
    }
  }

  /// Failures, each a sentence; empty when the history is consistent.
  template <class FinalValue>
  [[nodiscard]] std::vector<std::string> violations(const std::vector<std::string>& keys, FinalValue final_value) const {
    std::vector<std::string> out;
    for (const auto& o : ops_) {
      if (o.outcome.starts_with("err:") || o.outcome == "garbage") {
        out.push_back(o.op + " of " + o.key + " failed: " + o.outcome);
      } else if ((o.op == "get" || o.op == "listed-get") && o.outcome == "ok") {
        // The value read was written to this key by a set that had begun before the read ended.
        auto it = set_start_.find(o.key + "\t" + o.tag);
        if (it == set_start_.end() || it->second > o.end) out.push_back(o.op + " of " + o.key + " read a value never written");
      } else if (o.op == "get" && o.outcome == "not_found" && !absence_explained(o.key, o.start, o.end)) {
        out.push_back("get of " + o.key +
                      " said not_found though a set had been acknowledged and no remove came after it");
      } else if (o.op == "listed-get" && o.outcome == "not_found" && !remove_overlaps(o.key, o.start, o.end)) {
        // list saw the name during [start, list end]; the get proved it absent before o.end: only
        // a remove between the two can explain that.
        out.push_back("list returned " + o.key + " but its get said not_found with no remove racing");
      }
      if (out.size() >= 10) return out;
    }
    for (const auto& key : keys) {
      const auto held = final_value(key);
      if (!ends_as_acknowledged_last(key, held)) {
        out.push_back(key + " ends holding " + (held ? *held : std::string{"nothing"}) +
                      ", which no writer acknowledged last for it");
      }
    }
    return out;
  }

  [[nodiscard]] std::size_t count(const std::string& op) const {
    std::size_t n = 0;
    for (const auto& o : ops_) n += o.op == op ? 1 : 0;
    return n;
  }
  [[nodiscard]] std::size_t size() const noexcept { return ops_.size(); }

 private:
  // The final state must be the effect of a mutation that no other acknowledged mutation on the
  // key followed (began after it returned): those are the ones that may have been last.
  bool ends_as_acknowledged_last(const std::string& key, const std::optional<std::string>& held) const {
    const auto it = writes_.find(key);
    if (it == writes_.end()) return !held;
    for (const auto* w : it->second) {
      bool followed = false;
      for (const auto* later : it->second) followed = followed || later->start > w->end;
      if (followed) continue;
      if (w->op == "set" && held && *held == w->tag) return true;
      if (w->op == "remove" && !held) return true;
    }
    return false;
  }
  // A get over [start, end] may say not_found when it can take effect at a moment p in it at which
  // the key may be absent: no acknowledged set had ended before p, or some remove (acknowledged or
  // not) began before p and could take effect after each of those sets (it ended after the last
  // of them began). p need only be tried at the get's start and just after each remove began.
  bool absence_explained(const std::string& key, std::int64_t start, std::int64_t end) const {
    const auto removes = removes_.find(key);
    const auto absent_at = [&](std::int64_t p) {
      std::optional<std::int64_t> last_set_began;  // of the sets that must come before p
      if (const auto it = writes_.find(key); it != writes_.end()) {
        for (const auto* w : it->second) {
          if (w->op == "set" && w->end < p) last_set_began = std::max(last_set_began.value_or(w->start), w->start);
        }
      }
      if (!last_set_began) return true;
      if (removes == removes_.end()) return false;
      for (const auto* r : removes->second) {
        if (r->start < p && r->end > *last_set_began) return true;
      }
      return false;
    };
    if (absent_at(start)) return true;
    if (removes == removes_.end()) return false;
    for (const auto* r : removes->second) {
      if (r->start >= start && r->start < end && absent_at(r->start + 1)) return true;
    }
    return false;
  }
  bool remove_overlaps(const std::string& key, std::int64_t from, std::int64_t to) const {
    const auto it = writes_.find(key);
    if (it == writes_.end()) return false;
    for (const auto* w : it->second) {
      if (w->op == "remove" && w->start < to && w->end > from) return true;
    }
    return false;
  }

  std::vector<logged_op> ops_;
  std::map<std::string, std::vector<const logged_op*>> writes_;
  std::map<std::string, std::int64_t> set_start_;
  std::map<std::string, std::vector<const logged_op*>> removes_;
};

}  // namespace securestore::test

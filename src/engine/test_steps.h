// Step builders shared by the engine's tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/ids.h"
#include "core/model.h"

namespace mailmark::testing_steps {

inline Step Send(std::string subject, std::string html = "<p>Hello</p>") {
  Step s;
  s.id = NewId("stp");
  s.type = StepType::kSendEmail;
  s.subject = std::move(subject);
  s.html = std::move(html);
  return s;
}

inline Step Delay(std::int64_t ms) {
  Step s;
  s.id = NewId("stp");
  s.type = StepType::kDelay;
  s.delay_ms = ms;
  return s;
}

}  // namespace mailmark::testing_steps

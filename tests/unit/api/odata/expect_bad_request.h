// The expectation the OData tests share for a refused query or filter.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "pim/domain/status.h"

namespace pim::api::odata {

// `status` is InvalidArgument with machine code BadRequest and a message short enough for a
// client to show; `context` names the input in a failure.
inline void ExpectBadRequest(const absl::Status& status, std::string_view context) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << context;
  EXPECT_EQ(ErrorCodeOf(status), "BadRequest") << context;
  EXPECT_LE(status.message().size(), 220U) << context;
}

}  // namespace pim::api::odata

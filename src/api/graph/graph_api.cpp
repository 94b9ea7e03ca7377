#include "pim/api/graph/graph_api.h"

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_split.h"
#include "api/graph/graph_routes.h"
#include "api/graph/graph_wire.h"
#include "pim/api/api_error.h"

namespace pim::api {
namespace {

// The containers of the Graph namespace we serve, as a tree of path segments: used only to
// name the first segment we do not know in the BadRequest answer (reference 2.1).
struct Node {
  std::string_view name;
  std::vector<Node> children;
};

const Node& Tree() {
  static const Node tree{
      "",
      {
          {"identityGovernance", {{"privilegedAccess", {{"group", {}}}}}},
          {"roleManagement", {{"directory", {}}}},
          {"policies", {{"roleManagementPolicies", {}}, {"roleManagementPolicyAssignments", {}}}},
          {"users", {}},
          {"groups", {}},
          {"servicePrincipals", {}},
          {"me", {}},
      }};
  return tree;
}

// The first segment of `rest` below the known containers: the one that is not a known
// container, or the one after a leaf container whose route group declined the path.
std::string UnknownSegmentOf(std::string_view rest) {
  const std::vector<std::string> segments =
      absl::StrSplit(absl::string_view(rest.data(), rest.size()), '/', absl::SkipEmpty());
  const Node* node = &Tree();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Node* next = nullptr;
    for (const Node& child : node->children) {
      if (child.name == segments[i]) next = &child;
    }
    if (next == nullptr) return segments[i];
    if (next->children.empty()) return i + 1 < segments.size() ? segments[i + 1] : segments[i];
    node = next;
  }
  return segments.empty() ? std::string() : segments.back();
}

}  // namespace

GraphApi::GraphApi(Engine& engine, const ApiOptions& options, AccountAdmin* accounts)
    : engine_(engine), options_(options), accounts_(accounts) {}

std::optional<HttpResponse> GraphApi::Handle(const RequestContext& ctx) {
  std::string_view path = ctx.path;
  std::string_view version;
  for (std::string_view v : {std::string_view("v1.0"), std::string_view("beta")}) {
    if (path.size() > v.size() + 1 && path[0] == '/' && path.substr(1, v.size()) == v &&
        path[v.size() + 1] == '/') {
      version = v;
    }
  }
  if (version.empty()) return std::nullopt;
  const std::string_view rest = path.substr(version.size() + 1);
  const graph::Route route{engine_, options_, ctx, version, rest, accounts_};
  // Boost.JSON and the containers may throw (allocation, a value of an unexpected kind); no
  // exception leaves the surface.
  try {
    if (auto r = graph::HandleGroupPim(route)) return r;
    if (auto r = graph::HandleDirectoryRolePim(route)) return r;
    if (auto r = graph::HandlePolicies(route)) return r;
    if (auto r = graph::HandleDirectoryObjects(route)) return r;
    return GraphError(graph::UnknownSegment(UnknownSegmentOf(rest)), ctx);
  } catch (const std::exception&) {
    return GraphError(graph::BadRequest("The request could not be processed."), ctx);
  }
}

}  // namespace pim::api

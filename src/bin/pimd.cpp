// pimd: the one wiring file. Chooses the concrete stores (SQLite), clock (system, or the test
// clock), identity (local accounts, pimd's own token issuer, trusted external issuers) and
// server, then serves until SIGINT/SIGTERM.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/json/serialize.hpp"
#include "pim/accounts/account_service.h"
#include "pim/accounts/bearer_authenticator.h"
#include "pim/accounts/remote_jwks.h"
#include "pim/accounts/sealed_credential_store.h"
#include "pim/accounts/token_service.h"
#include "pim/api/api_service.h"
#include "pim/api/oidc/oidc_api.h"
#include "pim/audit/audit_keeper.h"
#include "pim/audit/audit_log.h"
#include "pim/domain/iso8601.h"
#include "pim/engine/engine.h"
#include "pim/engine/manual_clock.h"
#include "pim/engine/scheduler_thread.h"
#include "pim/identity/secret_box.h"
#include "pim/identity/signing_key_ring.h"
#include "pim/notify/channel_worker.h"
#include "pim/notify/notification_config.h"
#include "pim/notify/smtp_channel.h"
#include "pim/notify/webhook_channel.h"
#include "pim/server/audit_keeper_thread.h"
#include "pim/server/break_glass.h"
#include "pim/server/curl_jwks_fetcher.h"
#include "pim/server/demo_directory.h"
#include "pim/server/http_server.h"
#include "pim/server/json_log.h"
#include "pim/server/metrics.h"
#include "pim/server/pimd_config.h"
#include "pim/server/self_signed.h"
#include "pim/store/sqlite_checkpoint_store.h"
#include "pim/store/sqlite_credential_store.h"
#include "pim/store/sqlite_delivery_store.h"
#include "pim/store/sqlite_store.h"

namespace {

using pim::server::LogJson;
using pim::server::LogLevel;

int Fail(const std::string& what, const absl::Status& status) {
  LogJson(LogLevel::kError, "pimd.startFailed",
          {{"step", what}, {"error", std::string(status.message())}});
  std::fprintf(stderr, "pimd: %s: %s\n", what.c_str(), std::string(status.message()).c_str());
  return 1;
}

absl::Status EnsurePrivateDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot create ", dir));
  if (::chmod(dir.c_str(), 0700) != 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot restrict ", dir, " to its owner"));
  }
  return absl::OkStatus();
}

// The demo users' passwords, for people and the e2e suite: {"users":[{name,userName,password}]}.
absl::Status WriteDemoLogins(const std::string& path,
                             const std::vector<pim::server::demo::DemoLogin>& logins) {
  boost::json::array list;
  for (const auto& l : logins) {
    list.push_back(
        boost::json::object{{"name", l.name}, {"userName", l.user_name}, {"password", l.password}});
  }
  const std::string text =
      boost::json::serialize(boost::json::object{{"users", std::move(list)}}) + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return absl::PermissionDeniedError(absl::StrCat("cannot create ", path));
  const bool ok = ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok ? absl::OkStatus() : absl::UnavailableError(absl::StrCat("cannot write ", path));
}

// A trusted issuer's keys were fetched from its jwksUri, or could not be (the old ones stay).
void LogJwksFetch(const pim::accounts::JwksFetchOutcome& outcome) {
  boost::json::object fields{
      {"issuer", outcome.issuer},
      {"url", outcome.url},
      {"reason",
       outcome.reason == pim::accounts::JwksFetchReason::kUnknownKey ? "unknownKey" : "scheduled"},
      {"keys", outcome.keys},
      {"nextRefresh", pim::FormatDateTime(outcome.next_refresh)}};
  if (outcome.status.ok()) {
    LogJson(LogLevel::kInfo, "jwks.fetched", fields);
    return;
  }
  fields["error"] = std::string(outcome.status.message());
  LogJson(LogLevel::kWarning, "jwks.fetchFailed", fields);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const pim::server::ParsedCommandLine parsed = pim::server::ParsePimdCommandLine(argc, argv);
  if (!parsed.run) {
    std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  // Everything pimd creates (database, WAL, keys, tokens) is private to its user unless it
  // says otherwise (the CA certificate is made readable on purpose).
  ::umask(077);
  pim::server::PimdConfig config = parsed.config;
  if (auto s = pim::server::ValidatePimdConfig(config); !s.ok()) return Fail("configuration", s);

  // Signals are handled by sigwait below; every thread started from here on inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  if (auto s = EnsurePrivateDirectory(config.data_dir); !s.ok()) return Fail("data directory", s);
  // Once, before any thread: outbound HTTPS (trusted issuers' jwksUri).
  const pim::server::CurlLibrary curl;
  if (!curl.ok()) return Fail("libcurl", absl::InternalError("curl_global_init failed"));

  pim::SystemClock system_clock;
  std::unique_ptr<pim::ManualClock> test_clock;
  pim::Clock* clock = &system_clock;
  if (config.test_clock) {
    absl::Time start = system_clock.Now();
    if (!config.test_clock_start.empty()) {
      auto t = pim::ParseDateTime(config.test_clock_start);
      if (!t.ok()) return Fail("--test-clock-start", t.status());
      start = *t;
    }
    test_clock = std::make_unique<pim::ManualClock>(start);
    clock = test_clock.get();
    LogJson(LogLevel::kWarning, "pimd.testClock",
            {{"message",
              "TEST CLOCK MODE: time moves only through POST /pim/v1/test/clock. Never use this "
              "in production."},
             {"now", pim::FormatDateTime(start)}});
  }

  auto store = pim::SqliteStore::Open(config.data_dir + "/pim.db");
  if (!store.ok()) return Fail("database", store.status());
  pim::RandomIdGenerator ids;
  pim::EngineOptions engine_options;
  engine_options.tenant_id = config.tenant_id;
  engine_options.mfa_max_age = config.mfa_max_age;
  auto engine = pim::Engine::Open(**store, *clock, ids, engine_options);
  if (!engine.ok()) return Fail("engine", engine.status());

  // Identity: credentials in their own database, signing keys in <data-dir>/keys, their
  // secrets sealed with the secrets key. A new key is made only for a database never sealed:
  // one that was opens with its own key alone.
  auto raw_credentials = pim::SqliteCredentialStore::Open(config.data_dir + "/credentials.db");
  if (!raw_credentials.ok()) return Fail("credentials database", raw_credentials.status());
  auto sealed_before = pim::accounts::SealedCredentialStore::HasBeenSealed(**raw_credentials);
  if (!sealed_before.ok()) return Fail("credentials database", sealed_before.status());
  const bool changing_key = !config.previous_secrets_key_file.empty();
  auto secrets_key = pim::identity::SecretBox::LoadOrCreateKeyFile(config.secrets_key_file,
                                                                   !*sealed_before || changing_key);
  if (secrets_key.status().code() == absl::StatusCode::kNotFound) {
    return Fail("secrets key",
                absl::NotFoundError(absl::StrCat(secrets_key.status().message(),
                                                 ", but the credentials database was sealed "
                                                 "with one: give it with --secrets-key-file")));
  }
  if (!secrets_key.ok()) return Fail("secrets key", secrets_key.status());
  if (changing_key) {
    // Opens what the previous key sealed too; everything is sealed again with the new key below
    // (credentials, then each key ring as it opens).
    auto previous =
        pim::identity::SecretBox::LoadOrCreateKeyFile(config.previous_secrets_key_file, false);
    if (!previous.ok()) return Fail("previous secrets key", previous.status());
    secrets_key = secrets_key->WithPrevious(*previous);
  }
  pim::accounts::SealedCredentialStore credentials(**raw_credentials, *secrets_key,
                                                   pim::accounts::SealedCredentialKinds());
  if (auto s = credentials.Prepare(); !s.ok()) return Fail("secrets key", s);
  pim::accounts::AccountService accounts(credentials, **engine, *clock);
  auto break_glass =
      pim::server::EnsureBreakGlassAccount(**engine, accounts, credentials, config.data_dir);
  if (!break_glass.ok()) return Fail("break-glass account", break_glass.status());
  auto key_ring =
      pim::identity::SigningKeyRing::Open(config.data_dir + "/keys", clock->Now(), *secrets_key);
  if (!key_ring.ok()) return Fail("signing keys", key_ring.status());
  pim::accounts::TokenOptions token_options;
  token_options.issuer = config.issuer;
  token_options.tenant_id = config.tenant_id;
  token_options.access_token_lifetime = config.access_token_lifetime;
  pim::accounts::TokenService tokens(*key_ring, credentials, **engine, *clock, token_options);
  if (auto s = tokens.PruneKeys(); !s.ok()) return Fail("signing keys", s);
  std::vector<pim::accounts::ExternalIssuer> external;
  if (!config.trusted_issuers_file.empty()) {
    auto text = ReadFile(config.trusted_issuers_file);
    if (!text.ok()) return Fail("trusted issuers", text.status());
    auto loaded = pim::accounts::LoadExternalIssuers(
        *text, std::filesystem::path(config.trusted_issuers_file).parent_path().string());
    if (!loaded.ok()) return Fail("trusted issuers", loaded.status());
    external = std::move(*loaded);
  }

  const std::string demo_logins = config.data_dir + "/demo-logins.json";
  if (config.demo && !pim::server::demo::IsSeeded(**engine)) {
    if (auto s = pim::server::demo::Seed(**engine, *clock); !s.ok()) return Fail("demo", s);
    LogJson(LogLevel::kInfo, "pimd.demoSeeded");
  }
  if (config.demo && !std::filesystem::exists(demo_logins)) {
    auto logins = pim::server::demo::SetPasswords(accounts);
    if (!logins.ok()) return Fail("demo", logins.status());
    if (auto s = WriteDemoLogins(demo_logins, *logins); !s.ok()) return Fail("demo", s);
  }
  std::string ca_file;
  if (config.server.tls && config.server.certificate_file.empty()) {
    auto files = pim::server::EnsureSelfSignedCertificate(config.data_dir + "/tls",
                                                          config.tls_hostnames, system_clock);
    if (!files.ok()) return Fail("TLS certificate", files.status());
    config.server.certificate_file = files->certificate_file;
    config.server.private_key_file = files->private_key_file;
    ca_file = files->ca_file;
  }

  if (*break_glass) {
    LogJson(LogLevel::kWarning, "pimd.breakGlassCreated",
            {{"userName", (*break_glass)->user_name}, {"file", (*break_glass)->credentials_file}});
    std::printf(
        "pimd: created the break-glass Global Administrator %s; its initial password is in %s "
        "(0600). Its first sign-in must change it and enrol TOTP.\n",
        (*break_glass)->user_name.c_str(), (*break_glass)->credentials_file.c_str());
  }
  if (config.init_only) {
    std::printf("pimd: data directory %s is ready\n", config.data_dir.c_str());
    if (!ca_file.empty())
      std::printf("pimd: TLS CA certificate (trust this): %s\n", ca_file.c_str());
    return 0;
  }

  // An issuer with a jwksUri gets its keys through libcurl, trusting its caFile if it names
  // one. They are fetched once before serving (a failure is logged, not fatal: that issuer's
  // tokens are refused until a later fetch succeeds), then kept fresh by a thread.
  pim::accounts::RemoteJwksOptions jwks_options;
  jwks_options.on_fetch = LogJwksFetch;
  pim::accounts::BearerAuthenticator authenticator(
      tokens, std::move(external), **engine, *clock, &accounts,
      [](const pim::accounts::ExternalIssuer& issuer) {
        pim::server::CurlJwksFetcherOptions options;
        options.ca_file = issuer.ca_file;
        return std::make_unique<pim::server::CurlJwksFetcher>(options);
      },
      jwks_options);
  for (pim::accounts::RemoteJwks* keys : authenticator.remote_key_sets()) keys->RefreshIfDue();
  pim::accounts::RemoteJwksRefresher jwks_refresher(authenticator.remote_key_sets(), *clock);
  pim::api::OidcApi oidc(accounts, tokens, *clock);

  pim::SchedulerThread scheduler(**engine, *clock);
  (*engine)->SetTimerListener([&scheduler] { scheduler.Wake(); });
  int clock_listener = -1;
  if (test_clock) {
    clock_listener = test_clock->AddListener([&](absl::Time) {
      scheduler.Wake();
      jwks_refresher.Wake();
    });
  }

  // Audit: checkpoints signed with their own key ring in <data-dir>/audit-keys (docs/audit.md).
  auto audit_keys = pim::identity::SigningKeyRing::Open(config.data_dir + "/audit-keys",
                                                        clock->Now(), *secrets_key);
  if (!audit_keys.ok()) return Fail("audit keys", audit_keys.status());
  pim::audit::AuditOptions audit_options;
  audit_options.retention = absl::Hours(24) * config.audit_retention_days;
  audit_options.checkpoint_interval = config.audit_checkpoint_interval;
  pim::audit::AuditLog audit_log(**store, *audit_keys, *clock, audit_options);
  // The chain is re-derived and compared with the checkpoints sealed before (in their own
  // file): an edit of pim.db while pimd was stopped shows here.
  auto sealed = pim::SqliteCheckpointStore::Open(config.data_dir + "/audit-checkpoints.db");
  if (!sealed.ok()) return Fail("audit checkpoints", sealed.status());
  pim::audit::AuditKeeper audit_keeper(**store, **sealed, *audit_keys, *clock, audit_options);
  auto chain = audit_keeper.CheckAtStartup();
  if (!chain.ok()) return Fail("audit chain check", chain.status());
  if (!chain->intact) {
    LogJson(LogLevel::kError, "audit.chainMismatch",
            {{"seq", chain->mismatch_seq},
             {"message", chain->message},
             {"sealedSeq", chain->sealed_seq},
             {"action",
              "the change log in pim.db was altered since pimd sealed it; sealing and retention "
              "are paused. Compare with a backup and an earlier verified export."}});
    std::fprintf(stderr, "pimd: AUDIT CHAIN MISMATCH at seq %lld: %s\n",
                 static_cast<long long>(chain->mismatch_seq), chain->message.c_str());
  } else {
    LogJson(LogLevel::kInfo, "audit.chainChecked",
            {{"sealedSeq", chain->sealed_seq}, {"anchorSeq", chain->anchor_seq}});
  }
  audit_log.SetChainStatus([&audit_keeper] { return audit_keeper.status(); });

  // Notifications: one worker per channel, following the change log (docs/notifications.md).
  std::unique_ptr<pim::SqliteDeliveryStore> deliveries;
  std::vector<std::unique_ptr<pim::notify::Channel>> channels;
  std::vector<std::unique_ptr<pim::notify::ChannelWorker>> notifiers;
  if (!config.notifications_file.empty()) {
    auto text = ReadFile(config.notifications_file);
    if (!text.ok()) return Fail("notifications", text.status());
    auto notify_config = pim::notify::LoadNotificationConfig(
        *text, std::filesystem::path(config.notifications_file).parent_path().string());
    if (!notify_config.ok()) return Fail("notifications", notify_config.status());
    auto opened = pim::SqliteDeliveryStore::Open(config.data_dir + "/notifications.db");
    if (!opened.ok()) return Fail("notification store", opened.status());
    deliveries = std::move(*opened);
    if (notify_config->email) {
      channels.push_back(std::make_unique<pim::notify::SmtpChannel>(*notify_config->email));
    }
    for (const pim::notify::WebhookOptions& hook : notify_config->webhooks) {
      channels.push_back(std::make_unique<pim::notify::WebhookChannel>(hook));
    }
    for (const auto& channel : channels) {
      notifiers.push_back(std::make_unique<pim::notify::ChannelWorker>(
          *channel, *deliveries, **engine, **store, notify_config->retry,
          [](std::string_view event, const std::string& name, const std::string& detail) {
            LogJson(event == "notify.retry" ? LogLevel::kInfo : LogLevel::kWarning, event,
                    {{"channel", name}, {"detail", detail}});
          }));
      notifiers.back()->Start();
    }
    LogJson(LogLevel::kInfo, "pimd.notifications", {{"channels", channels.size()}});
  }

  // Retention never deletes what a notification channel has not planned yet.
  pim::server::RetentionLimitFn retention_limit =
      [&]() -> absl::StatusOr<pim::server::RetentionLimit> {
    pim::server::RetentionLimit limit;
    if (deliveries == nullptr) return limit;
    for (const auto& channel : channels) {
      auto cursor = deliveries->Cursor(channel->name());
      if (!cursor.ok()) return cursor.status();
      if (cursor->has_value() && (!limit.revision || **cursor < *limit.revision)) {
        limit.revision = **cursor;
        limit.channel = channel->name();
      }
    }
    return limit;
  };
  pim::server::AuditKeeperThread audit_thread(audit_keeper, *clock, retention_limit);
  int audit_clock_listener = -1;
  if (test_clock) {
    audit_clock_listener = test_clock->AddListener([&](absl::Time) { audit_thread.Wake(); });
  }

  pim::api::ApiService api(**engine, **store, *clock, authenticator,
                           pim::api::ApiOptions{config.tenant_id}, test_clock.get(), &oidc,
                           &accounts, &audit_log, deliveries.get());
  pim::server::Metrics metrics;
  metrics.SetAuditChain(chain->intact, chain->mismatch_seq);
  auto server = pim::server::HttpServer::Start(
      config.server, [&api](const pim::api::HttpRequest& r) { return api.Handle(r); }, **engine,
      api.watch_feed(), metrics, system_clock);
  if (!server.ok()) return Fail("listen", server.status());
  (*server)->SetReady(true);

  const std::string host =
      config.server.listen_address.find(':') != std::string::npos
          ? absl::StrCat("[", config.server.listen_address, "]")
          : (config.server.listen_address == "127.0.0.1" ? std::string("localhost")
                                                         : config.server.listen_address);
  const std::string url =
      absl::StrCat(config.server.tls ? "https://" : "http://", host, ":", (*server)->port());
  LogJson(LogLevel::kInfo, "pimd.listening",
          {{"url", url}, {"dataDir", config.data_dir}, {"revision", (*engine)->revision()}});
  std::printf("pimd: listening on %s\n", url.c_str());
  if (!ca_file.empty()) std::printf("pimd: TLS CA certificate (trust this): %s\n", ca_file.c_str());
  std::printf("pimd: sign in at %s/oauth2/authorize (OpenID issuer %s)\n", url.c_str(),
              config.issuer.c_str());
  if (config.test_clock) {
    std::printf(
        "pimd: *** TEST CLOCK MODE: time moves only through POST %s/pim/v1/test/clock. "
        "Never use this in production. ***\n",
        url.c_str());
  }
  if (config.demo) {
    const char* ca = ca_file.empty() ? "<ca.pem>" : ca_file.c_str();
    std::printf("pimd: demo tenant (passwords in %s):\n%s", demo_logins.c_str(),
                pim::server::demo::Describe().c_str());
    std::printf(
        "pimd: try   PW=$(grep -o 'demo-ben-[A-Z2-7]*' %s)\n"
        "            TOKEN=$(curl -s --cacert %s -d grant_type=password -d client_id=pimctl \\\n"
        "              -d username=ben@demo.pim -d \"password=$PW\" %s/oauth2/token \\\n"
        "              | grep -o '\"access_token\":\"[^\"]*' | cut -d'\"' -f4)\n"
        "            curl --cacert %s -H \"Authorization: Bearer $TOKEN\" \\\n"
        "              '%s/v1.0/roleManagement/directory/roleEligibilitySchedules/"
        "filterByCurrentUser(on=%%27principal%%27)'\n",
        demo_logins.c_str(), ca, url.c_str(), ca, url.c_str());
  }
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  LogJson(LogLevel::kInfo, "pimd.stopping", {{"signal", signal_number}});
  (*server)->SetReady(false);
  (*server)->Stop();
  for (const auto& notifier : notifiers) notifier->Stop();
  if (clock_listener >= 0) test_clock->RemoveListener(clock_listener);
  if (audit_clock_listener >= 0) test_clock->RemoveListener(audit_clock_listener);
  // Seal what was committed since the last run, so that the next start-up checks all of it.
  if (audit_keeper.status().intact) {
    if (auto s = audit_keeper.Seal(); !s.ok()) {
      LogJson(LogLevel::kWarning, "audit.sealFailed", {{"error", std::string(s.message())}});
    }
  }
  (*engine)->SetTimerListener(nullptr);
  return 0;
}

// /u/{token}: the unsubscribe page (GET changes nothing) and RFC 8058 one-click (POST).
#include "api/api_test_fixture.h"
#include "api/unsubscribe_page.h"
#include "core/unsubscribe_token.h"

namespace mailmark {
namespace {

using nlohmann::json;

constexpr const char* kCsp = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

class UnsubscribeTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    mailbox_ = CreateMailbox(alice_);
    sequence_ = CreateSequence(alice_, mailbox_);
  }

  Answer Enroll(const std::string& token, const std::string& sequence, const std::string& email,
                bool force = false) {
    return Post("/api/sequences/" + sequence + "/enrollments", token,
                {{"contactEmail", email}, {"force", force}});
  }
  std::string EnrollOk(const std::string& token, const std::string& sequence,
                       const std::string& email) {
    Answer a = Enroll(token, sequence, email);
    EXPECT_EQ(a.status, 201) << a.body;
    return a.json.value("id", "");
  }

  // The key the server uses when its options leave it empty: the store's.
  virtual std::string Key() { return *store_->GetOrCreateSecret("unsubscribe"); }
  std::string Link(const Id& enrollment) { return "/u/" + MakeUnsubscribeToken(Key(), enrollment); }

  Answer OneClick(const std::string& path) {
    return Send("POST", path, "", "List-Unsubscribe=One-Click",
                "application/x-www-form-urlencoded");
  }
  json Enrollment(const std::string& id, const std::string& token = "") {
    return Get("/api/enrollments/" + id, token.empty() ? alice_ : token).json;
  }

  static void ExpectHtmlPage(const Answer& a) {
    EXPECT_EQ(a.Header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(a.Header("Content-Security-Policy"), kCsp);
    EXPECT_EQ(a.Header("X-Robots-Tag"), "noindex");
    EXPECT_EQ(a.Header("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(a.Header("X-Frame-Options"), "DENY");
    EXPECT_EQ(a.Header("Cache-Control"), "no-store");
    EXPECT_EQ(a.body.rfind("<!DOCTYPE html>", 0), 0u);
    // Self-contained: nothing is loaded from anywhere, nothing runs.
    for (const char* banned : {"<script", "src=", "href=", "url(", "@import", "http"}) {
      EXPECT_EQ(a.body.find(banned), std::string::npos) << banned;
    }
  }

  std::string mailbox_, sequence_;
};

TEST_F(UnsubscribeTest, GetShowsAConfirmationAndChangesNothing) {
  std::string id = EnrollOk(alice_, sequence_, "bob@example.com");
  for (int i = 0; i < 3; ++i) {  // a link scanner may fetch it several times
    Answer a = Get(Link(id), "");
    ASSERT_EQ(a.status, 200) << a.body;
    ExpectHtmlPage(a);
    EXPECT_NE(a.body.find("b***@example.com"), std::string::npos);
    EXPECT_EQ(a.body.find("bob@example.com"), std::string::npos) << "the address is masked";
    EXPECT_NE(a.body.find("<form method=\"post\">"), std::string::npos);
    EXPECT_NE(a.body.find("name=\"List-Unsubscribe\" value=\"One-Click\""), std::string::npos);
    EXPECT_NE(a.body.find(">Unsubscribe</button>"), std::string::npos);
    EXPECT_NE(a.body.find("<b>Ann</b>"), std::string::npos) << "names the sender";
  }
  json e = Enrollment(id);
  EXPECT_EQ(e["status"], "active");
  EXPECT_EQ(e["history"].size(), 1u);
  EXPECT_EQ(Enroll(alice_, CreateSequence(alice_, mailbox_), "bob@example.com").status, 201);
}

TEST_F(UnsubscribeTest, OneClickPostUnsubscribes) {
  std::string id = EnrollOk(alice_, sequence_, "bob@example.com");
  Answer a = OneClick(Link(id));
  ASSERT_EQ(a.status, 200) << a.body;
  ExpectHtmlPage(a);
  EXPECT_NE(a.body.find("You are unsubscribed"), std::string::npos);
  EXPECT_NE(a.body.find("b***@example.com"), std::string::npos);

  json e = Enrollment(id);
  EXPECT_EQ(e["status"], "cancelled");
  EXPECT_EQ(e["statusReason"], "unsubscribed");
  EXPECT_TRUE(e["nextRunAt"].is_null());
  ASSERT_EQ(e["history"].size(), 2u);
  EXPECT_EQ(e["history"][1]["cause"], "unsubscribed");
  EXPECT_EQ(e["history"][1]["status"], "cancelled");

  // Never again, in any sequence of this owner, whatever the request says.
  std::string other = CreateSequence(alice_, CreateMailbox(alice_, "Other"));
  for (const std::string& seq : {sequence_, other}) {
    for (bool force : {false, true}) {
      Answer refused = Enroll(alice_, seq, "Bob@Example.com", force);
      EXPECT_EQ(refused.status, 409) << refused.body;
      EXPECT_EQ(refused.code(), "contact_suppressed");
    }
  }
  Answer bulk = Post("/api/sequences/" + other + "/enrollments/bulk", alice_,
                     {{"contacts", {{{"contactEmail", "bob@example.com"}}}}});
  EXPECT_EQ(bulk.json["enrolled"], 0);
  EXPECT_EQ(bulk.json["errors"][0]["code"], "contact_suppressed");

  // The page now says so instead of asking again.
  Answer page = Get(Link(id), "");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("You are unsubscribed"), std::string::npos);
  EXPECT_EQ(page.body.find("<form"), std::string::npos);
}

TEST_F(UnsubscribeTest, PostingTwiceOrFromTheFormIsFine) {
  std::string id = EnrollOk(alice_, sequence_, "bob@example.com");
  std::string link = Link(id);
  EXPECT_EQ(OneClick(link).status, 200);
  Answer again = OneClick(link);
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("You are unsubscribed"), std::string::npos);
  // Whatever body a client sends, or none.
  EXPECT_EQ(Send("POST", link, "", "", "application/x-www-form-urlencoded").status, 200);
  EXPECT_EQ(Send("POST", link, "", "junk", "text/plain").status, 200);
  EXPECT_EQ(Enrollment(id)["history"].size(), 2u) << "one unsubscribe, recorded once";

  // The form's own submit on a fresh enrollment (the page's button).
  std::string second = EnrollOk(alice_, CreateSequence(alice_, mailbox_), "carol@example.com");
  Answer form = Send("POST", Link(second), "", "List-Unsubscribe=One-Click",
                     "application/x-www-form-urlencoded", {{"Origin", "null"}});
  EXPECT_EQ(form.status, 200);
  EXPECT_EQ(Enrollment(second)["status"], "cancelled");
}

TEST_F(UnsubscribeTest, InvalidLinksAre404AndChangeNothing) {
  std::string id = EnrollOk(alice_, sequence_, "bob@example.com");
  std::string token = MakeUnsubscribeToken(Key(), id);
  std::string flipped = token;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  std::string mac_of_another = MakeUnsubscribeToken(Key(), "enr_other");
  std::vector<std::string> bad = {
      flipped,
      token.substr(0, token.size() - 1),
      token + "A",
      MakeUnsubscribeToken(std::string(32, 'k'), id),  // another server's key
      mac_of_another.substr(0, mac_of_another.find('.')) + token.substr(token.find('.')),
      MakeUnsubscribeToken(Key(), "enr_does_not_exist"),  // signed, names nothing
      id,
      "x",
      "..",
      "%00",
      "%3Cscript%3E",
      std::string(4000, 'A'),
  };
  for (const std::string& t : bad) {
    for (const char* method : {"GET", "POST"}) {
      Answer a = method == std::string("GET") ? Get("/u/" + t, "") : OneClick("/u/" + t);
      EXPECT_EQ(a.status, 404) << method << " " << t;
      ExpectHtmlPage(a);
      EXPECT_NE(a.body.find("This link is not valid"), std::string::npos);
      EXPECT_EQ(a.body.find("script"), std::string::npos);
    }
  }
  EXPECT_EQ(Get("/u/", "").status, 404);
  json e = Enrollment(id);
  EXPECT_EQ(e["status"], "active");
  EXPECT_EQ(e["history"].size(), 1u);
  EXPECT_EQ(Enroll(alice_, CreateSequence(alice_, mailbox_), "bob@example.com").status, 201);
}

TEST_F(UnsubscribeTest, ALinkActsOnlyForItsOwnEnrollmentAndOwner) {
  std::string alices = EnrollOk(alice_, sequence_, "x@example.com");
  std::string bob_sequence = CreateSequence(bob_, CreateMailbox(bob_));
  std::string bobs = EnrollOk(bob_, bob_sequence, "x@example.com");
  std::string alices_other = EnrollOk(alice_, sequence_, "y@example.com");

  ASSERT_EQ(OneClick(Link(alices)).status, 200);
  EXPECT_EQ(Enrollment(alices)["status"], "cancelled");
  EXPECT_EQ(Enrollment(bobs, bob_)["status"], "active");
  EXPECT_EQ(Enrollment(alices_other)["status"], "active");
  // Bob may still write to the address; Alice may not.
  EXPECT_EQ(Enroll(bob_, CreateSequence(bob_, CreateMailbox(bob_, "B2")), "x@example.com").status,
            201);
  EXPECT_EQ(Enroll(alice_, CreateSequence(alice_, mailbox_), "x@example.com", true).code(),
            "contact_suppressed");

  // Bob's own link works for Bob's enrollment, and only that.
  ASSERT_EQ(OneClick(Link(bobs)).status, 200);
  EXPECT_EQ(Enrollment(bobs, bob_)["status"], "cancelled");
  EXPECT_EQ(Enrollment(alices_other)["status"], "active");
  EXPECT_EQ(store_->FindSuppression(bob_id_, "x@example.com"), SuppressionReason::kUnsubscribed);
  EXPECT_FALSE(store_->FindSuppression(alice_id_, "y@example.com"));
}

TEST_F(UnsubscribeTest, EscapesTheAddressAndTheSender) {
  Answer m = Post("/api/mailboxes", alice_,
                  {{"name", "Evil"},
                   {"fromName", "<script>alert(1)</script> & \"Co\" 'x'"},
                   {"fromEmail", "evil@example.com"}});
  ASSERT_EQ(m.status, 201) << m.body;
  std::string seq = CreateSequence(alice_, m.json["id"]);
  std::string id = EnrollOk(alice_, seq, "'quote@example.com");
  for (bool post : {false, true}) {
    Answer a = post ? OneClick(Link(id)) : Get(Link(id), "");
    ASSERT_EQ(a.status, 200) << a.body;
    ExpectHtmlPage(a);
    EXPECT_NE(a.body.find("&#39;***@example.com"), std::string::npos) << a.body;
    EXPECT_NE(a.body.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; &#39;x&#39;"),
              std::string::npos)
        << a.body;
  }
}

TEST_F(UnsubscribeTest, ALinkWhoseMailboxIsGoneIsNotValid) {
  std::string id = EnrollOk(alice_, sequence_, "bob@example.com");
  std::string link = Link(id);
  ASSERT_EQ(OneClick(link).status, 200);
  ASSERT_EQ(Delete("/api/mailboxes/" + mailbox_, alice_).status, 204);
  EXPECT_EQ(Get(link, "").status, 404);
  EXPECT_EQ(OneClick(link).status, 404);
  // The suppression belongs to the owner and outlives the mailbox.
  EXPECT_EQ(store_->FindSuppression(alice_id_, "bob@example.com"),
            SuppressionReason::kUnsubscribed);
}

// The lead fills ApiOptions::unsubscribe_secret at startup; the API then uses it as given.
class UnsubscribeWithConfiguredKeyTest : public UnsubscribeTest {
 protected:
  UnsubscribeWithConfiguredKeyTest() { options_.unsubscribe_secret = std::string(32, '\x07'); }
  std::string Key() override { return std::string(32, '\x07'); }
};

TEST_F(UnsubscribeWithConfiguredKeyTest, UsesTheConfiguredKey) {
  std::string id = EnrollOk(alice_, sequence_, "bob@example.com");
  std::string stores = "/u/" + MakeUnsubscribeToken(*store_->GetOrCreateSecret("unsubscribe"), id);
  EXPECT_EQ(Get(stores, "").status, 404);
  EXPECT_EQ(OneClick(stores).status, 404);
  EXPECT_EQ(Enrollment(id)["status"], "active");
  EXPECT_EQ(Get(Link(id), "").status, 200);
  EXPECT_EQ(OneClick(Link(id)).status, 200);
  EXPECT_EQ(Enrollment(id)["status"], "cancelled");
}

TEST(UnsubscribePage, MasksAddresses) {
  EXPECT_EQ(MaskAddress("alice@acme.com"), "a***@acme.com");
  EXPECT_EQ(MaskAddress("a@acme.com"), "a***@acme.com");
  EXPECT_EQ(MaskAddress("\xc3\xa9lise@acme.fr"), "\xc3\xa9***@acme.fr");  // é kept whole
  EXPECT_EQ(MaskAddress("\xf0\x9f\x98\x80x@a.io"), "\xf0\x9f\x98\x80***@a.io");
  EXPECT_EQ(MaskAddress("\xc3"), "\xc3***");  // a cut-off sequence is not read past the end
  EXPECT_EQ(MaskAddress("@acme.com"), "***@acme.com");
  EXPECT_EQ(MaskAddress("nodomain"), "n***");
  EXPECT_EQ(MaskAddress(""), "***");
}

}  // namespace
}  // namespace mailmark

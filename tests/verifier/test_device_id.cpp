// Device IDs: format, matching, and the Linux sources read from fake machines under a temp root.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "device_id.hpp"
#include "verifier_test_support.hpp"

namespace licet {
namespace {

namespace fs = std::filesystem;
using device::device_components;
using device::make_device_id;

// A fake Linux machine: machine-id, root on /dev/sda2 (8:2) with a by-uuid link, and NICs.
class FakeMachine {
 public:
  FakeMachine() {
    set_machine_id("3d1219c7c4c5404aaa1f6d2a48adfda4");
    write("proc/self/mountinfo",
          "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
          "27 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
          "30 27 8:1 / /boot rw - vfat /dev/sda1 rw\n");
    write("sys/dev/block/8:2/uevent", "MAJOR=8\nMINOR=2\nDEVNAME=sda2\nDEVTYPE=partition\n");
    set_root_uuid("0f3a6b1e-5c1d-4b8e-9a55-2d1c0e9f7a11");
    link("dev/disk/by-uuid/AB12-CD34", "../../sda1");  // /boot: not the root
    add_nic("lo", "00:00:00:00:00:00", true);
    add_nic("docker0", "02:42:ac:11:00:01", true);
    add_nic("enp0s3", "08:00:27:4E:66:A1", true);
    add_nic("wlp2s0", "3c:a9:f4:11:22:33", true);
  }

  const fs::path& root() const { return dir_.path(); }

  void write(const std::string& rel, const std::string& text) const {
    const fs::path p = root() / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  }
  void remove(const std::string& rel) const { fs::remove_all(root() / rel); }
  void link(const std::string& rel, const std::string& target) const {
    const fs::path p = root() / rel;
    fs::create_directories(p.parent_path());
    std::error_code ec;
    fs::remove(p, ec);
    fs::create_symlink(target, p);
  }
  void set_machine_id(const std::string& id) const { write("etc/machine-id", id + "\n"); }
  void set_root_uuid(const std::string& uuid) const {
    remove("dev/disk/by-uuid/" + root_uuid_);
    root_uuid_ = uuid;
    link("dev/disk/by-uuid/" + uuid, "../../sda2");
  }
  void add_nic(const std::string& name, const std::string& mac, bool hardware) const {
    write("sys/class/net/" + name + "/address", mac + "\n");
    if (hardware) link("sys/class/net/" + name + "/device", "../../../devices/pci0000:00/x");
  }

  std::string id(std::string_view app = "app") const {
    auto r = make_device_id(device_components(root()), app);
    if (!r) throw std::runtime_error(r.error().message);
    return *r;
  }

 private:
  test::TempDir dir_;
  mutable std::string root_uuid_ = "none";
};

TEST(DeviceComponents, ReadsTheThreeLinuxSources) {
  FakeMachine m;
  const auto c = device_components(m.root());
  EXPECT_EQ(c[0], "3d1219c7c4c5404aaa1f6d2a48adfda4");
  EXPECT_EQ(c[1], "0f3a6b1e-5c1d-4b8e-9a55-2d1c0e9f7a11");
  EXPECT_EQ(c[2], "08:00:27:4e:66:a1");  // enp0s3 sorts first; docker0 and lo are skipped
}

TEST(DeviceComponents, MachineIdFallsBackToDbusAndIgnoresUninitialized) {
  FakeMachine m;
  m.set_machine_id("uninitialized");
  EXPECT_FALSE(device_components(m.root())[0]);
  m.write("var/lib/dbus/machine-id", "AABBCCDDEEFF00112233445566778899\n");
  EXPECT_EQ(device_components(m.root())[0], "aabbccddeeff00112233445566778899");
  m.remove("etc/machine-id");
  EXPECT_EQ(device_components(m.root())[0], "aabbccddeeff00112233445566778899");
}

TEST(DeviceComponents, RootUuidFromUdevDatabaseFirst) {
  FakeMachine m;
  m.write("run/udev/data/b8:2", "S:disk/by-uuid/x\nE:ID_FS_TYPE=ext4\nE:ID_FS_UUID=1111-2222\n");
  EXPECT_EQ(device_components(m.root())[1], "1111-2222");
}

TEST(DeviceComponents, RootUuidThroughAMapperSymlink) {
  FakeMachine m;
  m.write("proc/self/mountinfo", "27 1 253:0 / / rw - ext4 /dev/mapper/vg-root rw\n");
  m.remove("sys/dev/block");
  m.link("dev/mapper/vg-root", "../dm-0");
  m.link("dev/disk/by-uuid/77777777-aaaa-bbbb-cccc-000000000000", "../../dm-0");
  EXPECT_EQ(device_components(m.root())[1], "77777777-aaaa-bbbb-cccc-000000000000");
}

TEST(DeviceComponents, LastRootMountWins) {
  FakeMachine m;
  m.write("proc/self/mountinfo",
          "27 1 8:2 / / rw - ext4 /dev/sda2 rw\n"
          "40 27 0:44 / / rw - overlay overlay rw\n");
  EXPECT_FALSE(device_components(m.root())[1]);  // overlay root: no filesystem UUID
}

TEST(DeviceComponents, MacSkipsVirtualZeroRandomAndDevicelessInterfaces) {
  FakeMachine m;
  m.remove("sys/class/net");
  m.add_nic("lo", "00:00:00:00:00:00", true);
  m.add_nic("br-1234", "02:00:00:00:00:01", true);
  m.add_nic("veth9", "02:00:00:00:00:02", true);
  m.add_nic("virbr0", "02:00:00:00:00:03", true);
  m.add_nic("bond0", "02:00:00:00:00:04", false);  // no device link
  m.add_nic("eth0", "00:00:00:00:00:00", true);
  m.add_nic("eth1", "02:00:00:00:00:05", true);
  m.write("sys/class/net/eth1/addr_assign_type", "1\n");  // random MAC
  EXPECT_FALSE(device_components(m.root())[2]);
  m.add_nic("eth2", "52:54:00:12:34:56", true);
  EXPECT_EQ(device_components(m.root())[2], "52:54:00:12:34:56");
}

TEST(DeviceId, FormatIsLd1WithThreeKeyedComponents) {
  FakeMachine m;
  const std::string id = m.id();
  ASSERT_EQ(id.size(), 4 + 3 * 16 + 2);
  EXPECT_EQ(id.substr(0, 4), "ld1.");
  EXPECT_TRUE(device::invalid_device_id_reason(id).empty());
  EXPECT_TRUE(device::parse_licet_id(id));
  EXPECT_EQ(id, m.id());  // stable
  // No raw hardware value leaks into the ID.
  EXPECT_EQ(id.find("3d1219c7"), std::string::npos);
}

TEST(DeviceId, AppsGetUnrelatedIds) {
  FakeMachine m;
  const std::string id_a = m.id("app-a");
  const std::string id_b = m.id("app-b");
  const auto a = device::parse_licet_id(id_a);  // views into id_a
  const auto b = device::parse_licet_id(id_b);
  ASSERT_TRUE(a && b);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NE((*a)[i], (*b)[i]) << i;
  EXPECT_FALSE(device_matches(m.id("app-a"), m.id("app-b")));
}

TEST(DeviceId, OneChangedComponentStillMatches) {
  FakeMachine m;
  const std::string bound = m.id();
  m.set_machine_id("00000000000000000000000000000001");  // OS reinstalled
  const std::string new_os = m.id();
  EXPECT_NE(new_os, bound);
  EXPECT_TRUE(device_matches(bound, new_os));

  FakeMachine n;
  n.remove("sys/class/net/enp0s3");  // new NIC: wlp2s0 becomes primary
  EXPECT_NE(n.id(), bound);
  EXPECT_TRUE(device_matches(bound, n.id()));
}

TEST(DeviceId, TwoChangedComponentsDoNotMatch) {
  FakeMachine m;
  const std::string bound = m.id();
  m.set_machine_id("00000000000000000000000000000001");
  m.set_root_uuid("99999999-9999-9999-9999-999999999999");
  EXPECT_FALSE(device_matches(bound, m.id()));
}

TEST(DeviceId, MissingComponentsAreDashes) {
  FakeMachine m;
  m.remove("dev/disk");
  const std::string id = m.id();
  const auto parts = device::parse_licet_id(id);
  ASSERT_TRUE(parts);
  EXPECT_TRUE((*parts)[1].empty());
  EXPECT_NE(id.find(".-."), std::string::npos) << id;
  EXPECT_TRUE(device_matches(id, id));
  // The disk came back: still the same device (two components agree).
  FakeMachine full;
  EXPECT_TRUE(device_matches(id, full.id()));
}

TEST(DeviceId, SingleComponentIdNeedsThatComponent) {
  FakeMachine m;
  m.remove("dev/disk");
  m.remove("sys/class/net");
  const std::string only_os = m.id();
  EXPECT_TRUE(device_matches(only_os, only_os));
  FakeMachine full;
  EXPECT_TRUE(device_matches(only_os, full.id()));  // the one it has agrees
  m.set_machine_id("00000000000000000000000000000001");
  EXPECT_FALSE(device_matches(only_os, m.id()));
}

TEST(DeviceId, ContainerWithNothingAsksForLicetDeviceId) {
  FakeMachine m;
  m.remove("etc");
  m.remove("dev");
  m.remove("sys");
  auto r = make_device_id(device_components(m.root()), "app");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::io_error);
  EXPECT_NE(r.error().message.find("LICET_DEVICE_ID"), std::string::npos);
}

TEST(DeviceMatches, OpaqueIdsMatchExactly) {
  EXPECT_TRUE(device_matches("my-box", "my-box"));
  EXPECT_FALSE(device_matches("my-box", "My-box"));
  FakeMachine m;
  EXPECT_FALSE(device_matches(m.id(), "my-box"));
  EXPECT_FALSE(device_matches("my-box", m.id()));
  // Almost licet IDs are opaque, so only an exact match counts.
  for (const std::string& near : std::vector<std::string>{
           "ld1.-.-.-", "ld1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA", "ld1.AAAAAAAAAAAAAAA.-.-",
           "ld1.AAAAAAAAAAAAAAA=.-.-", "ld2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA.-"}) {
    EXPECT_FALSE(device::parse_licet_id(near)) << near;
    EXPECT_TRUE(device_matches(near, near)) << near;
  }
  EXPECT_FALSE(device_matches("ld1.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBB.-",
                              "ld1.AAAAAAAAAAAAAAAA.CCCCCCCCCCCCCCCC.-"));
}

TEST(DeviceMatches, ValidationOfPresentedIds) {
  EXPECT_TRUE(device::invalid_device_id_reason("box-1").empty());
  EXPECT_FALSE(device::invalid_device_id_reason("").empty());
  EXPECT_FALSE(device::invalid_device_id_reason("a b").empty());
  EXPECT_FALSE(device::invalid_device_id_reason("a;b").empty());
  EXPECT_FALSE(device::invalid_device_id_reason("a,b").empty());
  EXPECT_FALSE(device::invalid_device_id_reason("a\"b").empty());
  EXPECT_FALSE(device::invalid_device_id_reason("caf\xC3\xA9").empty());
  EXPECT_TRUE(device::invalid_device_id_reason(std::string(128, 'x')).empty());
  EXPECT_FALSE(device::invalid_device_id_reason(std::string(129, 'x')).empty());
}

// Restores LICET_DEVICE_ID whatever the test does.
class EnvDeviceId : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* v = std::getenv("LICET_DEVICE_ID")) saved_ = v;
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("LICET_DEVICE_ID", saved_->c_str(), 1);
    } else {
      ::unsetenv("LICET_DEVICE_ID");
    }
  }
  std::optional<std::string> saved_;
};

TEST_F(EnvDeviceId, HonouredOnlyWhenTheCallerAllowsIt) {
  ::setenv("LICET_DEVICE_ID", "ci-runner-7", 1);
  auto allowed = device_id("app", /*allow_override=*/true);
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  EXPECT_EQ(*allowed, "ci-runner-7");
  auto ignored = device_id("app");  // the default: the machine's own ID, or why it has none
  EXPECT_FALSE(ignored.ok() && *ignored == "ci-runner-7");
  if (ignored.ok()) {
    EXPECT_TRUE(device::parse_licet_id(*ignored)) << *ignored;
  }

  ::setenv("LICET_DEVICE_ID", "two words", 1);
  auto bad = device_id("app", true);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), ErrorCode::io_error);
  EXPECT_NE(bad.error().message.find("LICET_DEVICE_ID is invalid"), std::string::npos);
  auto not_read = device_id("app");
  EXPECT_TRUE(not_read.ok() || not_read.error().message.find("is invalid") == std::string::npos)
      << not_read.error().message;
}

TEST_F(EnvDeviceId, ThisMachineHasAnIdOrSaysHowToSetOne) {
  ::unsetenv("LICET_DEVICE_ID");
  auto id = device_id("app");
  if (id.ok()) {
    EXPECT_TRUE(device::parse_licet_id(*id)) << *id;
    EXPECT_EQ(*id, *device_id("app"));
    EXPECT_TRUE(device_matches(*id, *device_id("app")));
  } else {
    EXPECT_EQ(id.code(), ErrorCode::io_error);
    EXPECT_NE(id.error().message.find("LICET_DEVICE_ID"), std::string::npos);
  }
}

// Copying a node-locked file and setting LICET_DEVICE_ID to the ID printed in it must not be
// enough (docs/SECURITY.md, "Device ID override"): only an app that opts in reads the variable.
TEST_F(EnvDeviceId, VerifierTakesTheEnvironmentOnlyWhenTheAppOptsIn) {
  test::Vendor vendor;
  test::FakeClock clock;
  Claims c = test::base_claims();
  c.devices = std::vector<std::string>{"support-box-1"};
  const std::string lic = vendor.mint(c);
  ::setenv("LICET_DEVICE_ID", "support-box-1", 1);

  VerifierConfig cfg = test::config_for(vendor, clock);
  const auto copied = test::make_verifier(cfg).verify(lic);
  const bool machine_has_an_id = device_id(cfg.app_id).ok();
  EXPECT_EQ(copied.code, machine_has_an_id ? ErrorCode::device_not_bound : ErrorCode::io_error)
      << copied.message;
  EXPECT_EQ(copied.message.find("support-box-1"), std::string::npos) << copied.message;

  cfg.allow_device_id_override = true;
  {
    const Verifier v = test::make_verifier(cfg);
    EXPECT_EQ(v.verify(lic).code, ErrorCode::ok) << v.verify(lic).message;
  }
  ::setenv("LICET_DEVICE_ID", "support-box-2", 1);
  const Verifier v = test::make_verifier(cfg);
  const auto r = v.verify(lic);
  EXPECT_EQ(r.code, ErrorCode::device_not_bound) << r.message;
  EXPECT_NE(r.message.find("support-box-2"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace licet

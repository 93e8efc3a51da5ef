// Lottery Ticket Lab: notice when the WebGPU device is lost (a driver reset,
// a sleeping laptop, or device.destroy()), so the page can move the run to
// the CPU. Runs before the app; the app reads globalThis.__lotteryGpuLost.
(() => {
  const Adapter = globalThis.GPUAdapter;
  if (!Adapter || !Adapter.prototype.requestDevice) return;
  const requestDevice = Adapter.prototype.requestDevice;
  Adapter.prototype.requestDevice = async function (...args) {
    const device = await requestDevice.apply(this, args);
    device.lost.then((info) => {
      globalThis.__lotteryGpuLost = `${info.reason || "unknown reason"}: ${info.message || "device lost"}`;
    });
    return device;
  };
})();

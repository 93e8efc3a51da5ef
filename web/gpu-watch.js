// Lottery Ticket Lab: notice when the WebGPU device is lost (a driver reset,
// a sleeping laptop, or device.destroy()), so the page can move the run to
// the CPU. Runs before the app; the app reads globalThis.__lotteryGpuLost.
(() => {
  const Adapter = globalThis.GPUAdapter;
  if (!Adapter || !Adapter.prototype.requestDevice) return;
  const lost = (why) => { globalThis.__lotteryGpuLost ??= why; };
  // destroy() loses the device at once; say so before the next readback tries it.
  const destroy = globalThis.GPUDevice?.prototype.destroy;
  if (destroy) {
    GPUDevice.prototype.destroy = function (...args) {
      lost('destroyed: the device was destroyed');
      return destroy.apply(this, args);
    };
  }
  const requestDevice = Adapter.prototype.requestDevice;
  Adapter.prototype.requestDevice = async function (...args) {
    const device = await requestDevice.apply(this, args);
    device.lost.then((info) => lost(`${info.reason || 'unknown reason'}: ${info.message || 'device lost'}`));
    return device;
  };
})();

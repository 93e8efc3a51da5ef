//! Drawing that knows no task: the charts (an SVG frame, axes, lines and
//! bands over rounds or steps), canvases and rasters, and the palette every
//! view colours its networks with; the ticket's file sizes against weights remaining ([`savings_chart`]).

pub mod canvas;
pub mod charts;
pub mod palette;
pub mod raster;
pub mod savings_chart;
pub mod speed_chart;

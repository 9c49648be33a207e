/**
 * ECharts with only the parts the dashboard draws (tree-shaken from 'echarts/core' to keep the
 * bundle small). The canvas renderer needs no eval, so it runs under the app's CSP
 * (script-src 'self'; electron/security/csp.ts).
 */
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };

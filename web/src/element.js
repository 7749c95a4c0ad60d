// Element Plus, installed with only the components the console uses (and their styles), so the
// bundle stays small. A page that needs another component adds it to COMPONENTS and STYLES.
import {
  provideGlobalConfig,
  ElAlert, ElAside, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCascader, ElCheckbox,
  ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDropdown,
  ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput, ElInputNumber, ElLink,
  ElLoading, ElMain, ElMenu, ElMenuItem, ElMessageBox, ElOption, ElOptionGroup, ElRadio,
  ElRadioButton, ElRadioGroup, ElResult, ElSelect, ElStatistic, ElSwitch, ElTable, ElTableColumn,
  ElTabPane, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTooltip, ElTree, ElUpload,
  ElCalendar, ElStep, ElSteps, // 议事协商
} from 'element-plus'

import 'element-plus/es/components/alert/style/css'
import 'element-plus/es/components/aside/style/css'
import 'element-plus/es/components/breadcrumb/style/css'
import 'element-plus/es/components/breadcrumb-item/style/css'
import 'element-plus/es/components/button/style/css'
import 'element-plus/es/components/card/style/css'
import 'element-plus/es/components/cascader/style/css'
import 'element-plus/es/components/checkbox/style/css'
import 'element-plus/es/components/container/style/css'
import 'element-plus/es/components/date-picker/style/css'
import 'element-plus/es/components/descriptions/style/css'
import 'element-plus/es/components/descriptions-item/style/css'
import 'element-plus/es/components/dialog/style/css'
import 'element-plus/es/components/dropdown/style/css'
import 'element-plus/es/components/dropdown-item/style/css'
import 'element-plus/es/components/dropdown-menu/style/css'
import 'element-plus/es/components/empty/style/css'
import 'element-plus/es/components/form/style/css'
import 'element-plus/es/components/form-item/style/css'
import 'element-plus/es/components/header/style/css'
import 'element-plus/es/components/icon/style/css'
import 'element-plus/es/components/input/style/css'
import 'element-plus/es/components/input-number/style/css'
import 'element-plus/es/components/link/style/css'
import 'element-plus/es/components/loading/style/css'
import 'element-plus/es/components/main/style/css'
import 'element-plus/es/components/menu/style/css'
import 'element-plus/es/components/menu-item/style/css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/option/style/css'
import 'element-plus/es/components/option-group/style/css'
import 'element-plus/es/components/radio/style/css'
import 'element-plus/es/components/radio-button/style/css'
import 'element-plus/es/components/radio-group/style/css'
import 'element-plus/es/components/result/style/css'
import 'element-plus/es/components/select/style/css'
import 'element-plus/es/components/statistic/style/css'
import 'element-plus/es/components/switch/style/css'
import 'element-plus/es/components/tab-pane/style/css'
import 'element-plus/es/components/table/style/css'
import 'element-plus/es/components/table-column/style/css'
import 'element-plus/es/components/tabs/style/css'
import 'element-plus/es/components/tag/style/css'
import 'element-plus/es/components/timeline/style/css'
import 'element-plus/es/components/timeline-item/style/css'
import 'element-plus/es/components/tooltip/style/css'
import 'element-plus/es/components/tree/style/css'
import 'element-plus/es/components/upload/style/css'
import 'element-plus/es/components/calendar/style/css'
import 'element-plus/es/components/step/style/css'
import 'element-plus/es/components/steps/style/css'

const COMPONENTS = [
  ElAlert, ElAside, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCascader, ElCheckbox,
  ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDropdown,
  ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput, ElInputNumber, ElLink,
  ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElOptionGroup, ElRadio, ElRadioButton,
  ElRadioGroup, ElResult, ElSelect, ElStatistic, ElSwitch, ElTable, ElTableColumn, ElTabPane, ElTabs,
  ElTag, ElTimeline, ElTimelineItem, ElTooltip, ElTree, ElUpload,
  ElCalendar, ElStep, ElSteps, // 议事协商, 四议两公开
  // A service, installed so that its boxes follow the app's locale (zh-CN).
  ElMessageBox,
]

/**
 * Used as `app.use(ElementPlus, { locale: zhCn })`, like the full library's installer. (Element
 * Plus's own makeInstaller is not used: calling it defeats tree-shaking and pulls in every
 * component, about 600 kB more.)
 */
export const ElementPlus = {
  install(app, options) {
    for (const component of COMPONENTS) app.use(component)
    if (options) provideGlobalConfig(options, app, true)
  },
}

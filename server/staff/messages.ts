// Messages of the front desk's day on the staff dashboard, Chinese first.
import type { DomainMessages } from '../i18n/types.js';

const zh = {
  today: {
    title: '今日工作',
    date: '{{y}}年{{m}}月{{d}}日 {{weekday}}',
    day: '{{y}}年{{m}}月{{d}}日',
    weekdays: { 1: '星期一', 2: '星期二', 3: '星期三', 4: '星期四', 5: '星期五', 6: '星期六', 7: '星期日' },
    weekdays_short: { 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' },
    print: '打印',
    print_hint: '本页可直接打印（浏览器“打印”）。',
    pick_home: '查看殡仪馆的今日工作',
    pick_home_label: '殡仪馆',
    pick_home_none: '请选择',
    pick_home_submit: '查看',
    time: '时间',
    case: '案件',
    deceased: '逝者',
    case_status: '案件状态',
    pickups: {
      title: '待接运',
      address: '接运地址',
      overdue: '逾期未接',
      empty: '今日无待接运。',
      more: '仅列出最早的 {{n}} 件。',
    },
    schedule: {
      title: '今日告别与火化',
      hour: '{{hour}} 时段',
      empty: '今日没有告别厅或火化炉预约。',
      board: '火化日程看板',
    },
    kinds: { hall: '告别', cremator: '火化' },
    owing: {
      title: '欠费案件',
      balance: '欠费金额',
      summary: '共 {{count}} 件欠费，合计 {{total}}。',
      top: '按金额列出前 {{n}} 件。',
      empty: '没有欠费案件。',
    },
    week: {
      title: '本周预约日历',
      subtitle: '今天起 7 天',
      today: '今天',
      resource: '场所',
      empty_day: '无预约',
    },
  },
};

const en: typeof zh = {
  today: {
    title: 'Today',
    date: '{{weekday}} {{iso}}',
    day: '{{iso}}',
    weekdays: { 1: 'Monday', 2: 'Tuesday', 3: 'Wednesday', 4: 'Thursday', 5: 'Friday', 6: 'Saturday', 7: 'Sunday' },
    weekdays_short: { 1: 'Mon', 2: 'Tue', 3: 'Wed', 4: 'Thu', 5: 'Fri', 6: 'Sat', 7: 'Sun' },
    print: 'Print',
    print_hint: 'This page prints as it is (the browser’s Print).',
    pick_home: 'See a funeral home’s day',
    pick_home_label: 'Funeral home',
    pick_home_none: 'Choose',
    pick_home_submit: 'Show',
    time: 'Time',
    case: 'Case',
    deceased: 'Deceased',
    case_status: 'Case status',
    pickups: {
      title: 'Pickups due',
      address: 'Pickup address',
      overdue: 'Overdue',
      empty: 'No pickups due today.',
      more: 'Only the earliest {{n}} are listed.',
    },
    schedule: {
      title: 'Farewells and cremations today',
      hour: '{{hour}}',
      empty: 'No farewell hall or cremator bookings today.',
      board: 'Cremation day board',
    },
    kinds: { hall: 'Farewell', cremator: 'Cremation' },
    owing: {
      title: 'Balances owed',
      balance: 'Balance owed',
      summary: '{{count}} cases owe {{total}} in all.',
      top: 'The {{n}} largest are listed.',
      empty: 'No case owes anything.',
    },
    week: {
      title: 'Bookings this week',
      subtitle: '7 days from today',
      today: 'Today',
      resource: 'Place',
      empty_day: 'No bookings',
    },
  },
};

export const staffMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };

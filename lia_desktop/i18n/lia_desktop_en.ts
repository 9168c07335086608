<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
    <context>
        <name />
        <message>
            <source>Toast</source>
            <comment>View professional</comment>
            <translation>Toast</translation>
        </message>
        <message>
            <source>Toast</source>
            <comment>Open notifications</comment>
            <translation>Toast</translation>
        </message>
        <message>
            <source>Toast</source>
            <comment>Open</comment>
            <translation>Toast</translation>
        </message>
        <message>
            <source>Toast</source>
            <comment>Remind me in 15 min</comment>
            <translation>Toast</translation>
        </message>
        <message>
            <source>Toast</source>
            <comment>Mark read</comment>
            <translation>Toast</translation>
        </message>
        <message>
            <source>Toast</source>
            <comment>%n unread notification(s)</comment>
            <translation>Toast</translation>
        </message>
    </context>
    <context>
        <name>ActivityPanel</name>
        <message>
            <source>{heading}: {figures}</source>
            <translation>{heading}: {figures}</translation>
        </message>
    </context>
    <context>
        <name>BookingsChart</name>
        <message>
            <source>{total} bookings in the last 24 h; the busiest hour {hour}:00 with {most}; {now} in the last hour</source>
            <translation>{total} bookings in the last 24 h; the busiest hour {hour}:00 with {most}; {now} in the last hour</translation>
        </message>
    </context>
    <context>
        <name>DesktopApp</name>
        <message>
            <source>Your saved settings could not be read, so LIA Desktop starts as on a first run. The old file was kept next to the new one, and the log says what was wrong with it.</source>
            <translation>Your saved settings could not be read, so LIA Desktop starts as on a first run. The old file was kept next to the new one, and the log says what was wrong with it.</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>new vs previous 24 h</source>
            <translation>new vs previous 24 h</translation>
        </message>
        <message>
            <source>new vs last month</source>
            <translation>new vs last month</translation>
        </message>
        <message>
            <source>.</source>
            <comment>decimal separator</comment>
            <translation>.</translation>
        </message>
        <message>
            <source>{percent}% vs previous 24 h</source>
            <translation>{percent}% vs previous 24 h</translation>
        </message>
        <message>
            <source>{percent}% vs last month</source>
            <translation>{percent}% vs last month</translation>
        </message>
        <message>
            <source>Jan</source>
            <comment>short month</comment>
            <translation>Jan</translation>
        </message>
        <message>
            <source>Feb</source>
            <comment>short month</comment>
            <translation>Feb</translation>
        </message>
        <message>
            <source>Mar</source>
            <comment>short month</comment>
            <translation>Mar</translation>
        </message>
        <message>
            <source>Apr</source>
            <comment>short month</comment>
            <translation>Apr</translation>
        </message>
        <message>
            <source>May</source>
            <comment>short month</comment>
            <translation>May</translation>
        </message>
        <message>
            <source>Jun</source>
            <comment>short month</comment>
            <translation>Jun</translation>
        </message>
        <message>
            <source>Jul</source>
            <comment>short month</comment>
            <translation>Jul</translation>
        </message>
        <message>
            <source>Aug</source>
            <comment>short month</comment>
            <translation>Aug</translation>
        </message>
        <message>
            <source>Sep</source>
            <comment>short month</comment>
            <translation>Sep</translation>
        </message>
        <message>
            <source>Oct</source>
            <comment>short month</comment>
            <translation>Oct</translation>
        </message>
        <message>
            <source>Nov</source>
            <comment>short month</comment>
            <translation>Nov</translation>
        </message>
        <message>
            <source>Dec</source>
            <comment>short month</comment>
            <translation>Dec</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>just now</translation>
        </message>
        <message numerus="yes">
            <source>%n min ago</source>
            <translation>
                <numerusform>%n min ago</numerusform>
                <numerusform>%n min ago</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n h ago</source>
            <translation>
                <numerusform>%n h ago</numerusform>
                <numerusform>%n h ago</numerusform>
            </translation>
        </message>
        <message>
            <source>yesterday</source>
            <translation>yesterday</translation>
        </message>
        <message numerus="yes">
            <source>%n d ago</source>
            <translation>
                <numerusform>%n d ago</numerusform>
                <numerusform>%n d ago</numerusform>
            </translation>
        </message>
        <message>
            <source>Connecting</source>
            <translation>Connecting</translation>
        </message>
        <message>
            <source>Live</source>
            <translation>Live</translation>
        </message>
        <message>
            <source>Reconnecting</source>
            <translation>Reconnecting</translation>
        </message>
        <message>
            <source>Offline</source>
            <translation>Offline</translation>
        </message>
        <message>
            <source>Session expired</source>
            <translation>Session expired</translation>
        </message>
        <message>
            <source>Signed out</source>
            <translation>Signed out</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>Error</translation>
        </message>
        <message>
            <source>{phase} (attempt {attempt}, next in {seconds} s)</source>
            <translation>{phase} (attempt {attempt}, next in {seconds} s)</translation>
        </message>
        <message>
            <source>{phase}: {reason}</source>
            <translation>{phase}: {reason}</translation>
        </message>
        <message numerus="yes">
            <source>LIA Admin — %n unread — {state}</source>
            <translation>
                <numerusform>LIA Admin — %n unread — {state}</numerusform>
                <numerusform>LIA Admin — %n unread — {state}</numerusform>
            </translation>
        </message>
        <message>
            <source> — Do not disturb until {time}</source>
            <translation> — Do not disturb until {time}</translation>
        </message>
    </context>
    <context>
        <name>Notification</name>
        <message>
            <source>New booking</source>
            <translation>New booking</translation>
        </message>
        <message>
            <source>Booking cancelled</source>
            <translation>Booking cancelled</translation>
        </message>
        <message>
            <source>New dispute</source>
            <translation>New dispute</translation>
        </message>
        <message>
            <source>Dispute escalated</source>
            <translation>Dispute escalated</translation>
        </message>
        <message>
            <source>New professional</source>
            <translation>New professional</translation>
        </message>
        <message>
            <source>New professional application</source>
            <translation>New professional application</translation>
        </message>
        <message>
            <source>Low rating</source>
            <translation>Low rating</translation>
        </message>
        <message>
            <source>New review</source>
            <translation>New review</translation>
        </message>
        <message>
            <source>New sign-up</source>
            <translation>New sign-up</translation>
        </message>
        <message>
            <source>pending</source>
            <comment>professional status</comment>
            <translation>pending</translation>
        </message>
        <message>
            <source>approved</source>
            <comment>professional status</comment>
            <translation>approved</translation>
        </message>
        <message>
            <source>rejected</source>
            <comment>professional status</comment>
            <translation>rejected</translation>
        </message>
        <message>
            <source>suspended</source>
            <comment>professional status</comment>
            <translation>suspended</translation>
        </message>
        <message>
            <source>A customer</source>
            <translation>A customer</translation>
        </message>
        <message>
            <source>{customer} booked {service} · {price}</source>
            <translation>{customer} booked {service} · {price}</translation>
        </message>
        <message>
            <source>{customer} booked {service} with {professional} · {price}</source>
            <translation>{customer} booked {service} with {professional} · {price}</translation>
        </message>
        <message>
            <source>{service} with {professional}</source>
            <translation>{service} with {professional}</translation>
        </message>
        <message>
            <source>Booking #{booking} · {reason}</source>
            <translation>Booking #{booking} · {reason}</translation>
        </message>
        <message>
            <source>{name} applied as {specialty}</source>
            <translation>{name} applied as {specialty}</translation>
        </message>
        <message>
            <source>{name} added as {specialty} · {status}</source>
            <translation>{name} added as {specialty} · {status}</translation>
        </message>
        <message>
            <source>booking #{booking}</source>
            <translation>booking #{booking}</translation>
        </message>
        <message>
            <source>{rating}★ for {subject}</source>
            <translation>{rating}★ for {subject}</translation>
        </message>
    </context>
    <context>
        <name>NotificationCenter</name>
        <message>
            <source>LIA Admin — Notifications</source>
            <translation>LIA Admin — Notifications</translation>
        </message>
        <message>
            <source>Notifications</source>
            <translation>Notifications</translation>
        </message>
        <message>
            <source>Show only the chosen types (several can be chosen)</source>
            <translation>Show only the chosen types (several can be chosen)</translation>
        </message>
        <message>
            <source>&amp;Hide read</source>
            <translation>&amp;Hide read</translation>
        </message>
        <message>
            <source>Show only unread notifications; read ones stay in the history</source>
            <translation>Show only unread notifications; read ones stay in the history</translation>
        </message>
        <message>
            <source>Mark read</source>
            <translation>Mark read</translation>
        </message>
        <message>
            <source>Mark the selected notifications read (Space)</source>
            <translation>Mark the selected notifications read (Space)</translation>
        </message>
        <message numerus="yes">
            <source>%n unread of the chosen types</source>
            <translation>
                <numerusform>%n unread of the chosen types</numerusform>
                <numerusform>%n unread of the chosen types</numerusform>
            </translation>
        </message>
        <message>
            <source>Mark &amp;all shown read</source>
            <translation>Mark &amp;all shown read</translation>
        </message>
        <message>
            <source>Mark the notifications of the chosen types read</source>
            <translation>Mark the notifications of the chosen types read</translation>
        </message>
        <message numerus="yes">
            <source>%n unread</source>
            <translation>
                <numerusform>%n unread</numerusform>
                <numerusform>%n unread</numerusform>
            </translation>
        </message>
        <message>
            <source>Mark &amp;all read</source>
            <translation>Mark &amp;all read</translation>
        </message>
        <message>
            <source>Mark every notification read</source>
            <translation>Mark every notification read</translation>
        </message>
        <message>
            <source>↑ ↓ Home End: move · Enter: open in the web admin · Space: read/unread · Ctrl+A: select all · {hide}: hide read · {mark_all}: mark all read · Esc: close</source>
            <translation>↑ ↓ Home End: move · Enter: open in the web admin · Space: read/unread · Ctrl+A: select all · {hide}: hide read · {mark_all}: mark all read · Esc: close</translation>
        </message>
    </context>
    <context>
        <name>NotificationModel</name>
        <message>
            <source>Read: {title}, {when}</source>
            <translation>Read: {title}, {when}</translation>
        </message>
        <message>
            <source>Unread, urgent: {title}, {when}</source>
            <translation>Unread, urgent: {title}, {when}</translation>
        </message>
        <message>
            <source>Unread: {title}, {when}</source>
            <translation>Unread: {title}, {when}</translation>
        </message>
    </context>
    <context>
        <name>Outage</name>
        <message>
            <source>Not live since {time}</source>
            <translation>Not live since {time}</translation>
        </message>
    </context>
    <context>
        <name>Problems</name>
        <message>
            <source>Both are in the Supabase dashboard: open your project, then Project Settings → API. Copy the Project URL and the 'anon public' key.</source>
            <translation>Both are in the Supabase dashboard: open your project, then Project Settings → API. Copy the Project URL and the 'anon public' key.</translation>
        </message>
        <message>
            <source>the server</source>
            <translation>the server</translation>
        </message>
        <message>
            <source>Can't reach {server}. Check the address and your internet connection.</source>
            <translation>Can't reach {server}. Check the address and your internet connection.</translation>
        </message>
        <message>
            <source>{server} does not answer as a Supabase project. Check the address: in the Supabase dashboard, open Project Settings → API and copy the Project URL (https://….supabase.co).</source>
            <translation>{server} does not answer as a Supabase project. Check the address: in the Supabase dashboard, open Project Settings → API and copy the Project URL (https://….supabase.co).</translation>
        </message>
        <message>
            <source>{server} is a Supabase project without LIA's admin setup: it shows admin data to anyone. Check the address, or have LIA's database migrations applied there.</source>
            <translation>{server} is a Supabase project without LIA's admin setup: it shows admin data to anyone. Check the address, or have LIA's database migrations applied there.</translation>
        </message>
        <message>
            <source>The server did not accept this anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key of this project.</source>
            <translation>The server did not accept this anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key of this project.</translation>
        </message>
        <message>
            <source>Wrong email or password. Check both and try again; if the account is new, confirm its email address first.</source>
            <translation>Wrong email or password. Check both and try again; if the account is new, confirm its email address first.</translation>
        </message>
        <message>
            <source>This account is not a LIA administrator. Sign in with an admin account, or ask an administrator to give this one the admin role.</source>
            <translation>This account is not a LIA administrator. Sign in with an admin account, or ask an administrator to give this one the admin role.</translation>
        </message>
        <message>
            <source>Your session has ended. Please sign in again.</source>
            <translation>Your session has ended. Please sign in again.</translation>
        </message>
        <message>
            <source>The server could not complete the request. Try again in a moment; if it keeps failing, the app's log has the details.</source>
            <translation>The server could not complete the request. Try again in a moment; if it keeps failing, the app's log has the details.</translation>
        </message>
        <message>
            <source>Required.</source>
            <translation>Required.</translation>
        </message>
        <message>
            <source>That is not a Supabase URL. It starts with https:// and looks like https://your-project.supabase.co (Project Settings → API → Project URL).</source>
            <translation>That is not a Supabase URL. It starts with https:// and looks like https://your-project.supabase.co (Project Settings → API → Project URL).</translation>
        </message>
        <message>
            <source>That is not an anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key.</source>
            <translation>That is not an anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key.</translation>
        </message>
        <message>
            <source>That key is not the anon key (it may be the secret service_role key, which must never be used here). In Project Settings → API, copy the 'anon public' key.</source>
            <translation>That key is not the anon key (it may be the secret service_role key, which must never be used here). In Project Settings → API, copy the 'anon public' key.</translation>
        </message>
        <message>
            <source>Enter the web admin's address, such as https://admin.example.com: http or https, plain ASCII letters, no user name and no ? or # part.</source>
            <translation>Enter the web admin's address, such as https://admin.example.com: http or https, plain ASCII letters, no user name and no ? or # part.</translation>
        </message>
        <message>
            <source>Quiet hours must end at another time than they start.</source>
            <translation>Quiet hours must end at another time than they start.</translation>
        </message>
        <message>
            <source>This value cannot be used. Choose another one.</source>
            <translation>This value cannot be used. Choose another one.</translation>
        </message>
        <message>
            <source>The settings could not be saved ({reason}). Nothing was changed.</source>
            <translation>The settings could not be saved ({reason}). Nothing was changed.</translation>
        </message>
        <message>
            <source>unknown error</source>
            <translation>unknown error</translation>
        </message>
    </context>
    <context>
        <name>Service</name>
        <message>
            <source>Plumbing</source>
            <translation>Plumbing</translation>
        </message>
        <message>
            <source>Electrician</source>
            <translation>Electrician</translation>
        </message>
        <message>
            <source>Cleaning</source>
            <translation>Cleaning</translation>
        </message>
        <message>
            <source>House cleaning</source>
            <translation>House cleaning</translation>
        </message>
        <message>
            <source>Painting</source>
            <translation>Painting</translation>
        </message>
        <message>
            <source>Carpentry</source>
            <translation>Carpentry</translation>
        </message>
        <message>
            <source>Appliance repair</source>
            <translation>Appliance repair</translation>
        </message>
        <message>
            <source>Gardening</source>
            <translation>Gardening</translation>
        </message>
        <message>
            <source>Locksmith</source>
            <translation>Locksmith</translation>
        </message>
        <message>
            <source>AC maintenance</source>
            <translation>AC maintenance</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>Quiet hours</source>
            <translation>Quiet hours</translation>
        </message>
        <message>
            <source>No toasts between these times every day; urgent ones still come</source>
            <translation>No toasts between these times every day; urgent ones still come</translation>
        </message>
        <message>
            <source>Quiet hours start</source>
            <translation>Quiet hours start</translation>
        </message>
        <message>
            <source>Quiet hours end</source>
            <translation>Quiet hours end</translation>
        </message>
        <message>
            <source>Do not disturb</source>
            <translation>Do not disturb</translation>
        </message>
        <message>
            <source>No toasts until this time</source>
            <translation>No toasts until this time</translation>
        </message>
        <message>
            <source>Do not disturb until</source>
            <translation>Do not disturb until</translation>
        </message>
        <message>
            <source>Urgent notifications break through do not disturb</source>
            <translation>Urgent notifications break through do not disturb</translation>
        </message>
        <message>
            <source>Same as the system</source>
            <translation>Same as the system</translation>
        </message>
        <message>
            <source>Urgent</source>
            <translation>Urgent</translation>
        </message>
        <message>
            <source>Toasts by type</source>
            <translation>Toasts by type</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Language</translation>
        </message>
    </context>
    <context>
        <name>SignInDialog</name>
        <message>
            <source>The password of your LIA admin account. It is not saved; only the sign-in session is kept.</source>
            <translation>The password of your LIA admin account. It is not saved; only the sign-in session is kept.</translation>
        </message>
    </context>
    <context>
        <name>StatCard</name>
        <message>
            <source>{title}: loading</source>
            <translation>{title}: loading</translation>
        </message>
        <message>
            <source>{title}: {value}, {trend}</source>
            <translation>{title}: {value}, {trend}</translation>
        </message>
        <message>
            <source>{title}: {value}</source>
            <translation>{title}: {value}</translation>
        </message>
    </context>
    <context>
        <name>StatsWindow</name>
        <message>
            <source>waiting for confirmation</source>
            <translation>waiting for confirmation</translation>
        </message>
    </context>
    <context>
        <name>Summary</name>
        <message numerus="yes">
            <source>%n new booking(s)</source>
            <translation>
                <numerusform>%n new booking</numerusform>
                <numerusform>%n new bookings</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n cancellation(s)</source>
            <translation>
                <numerusform>%n cancellation</numerusform>
                <numerusform>%n cancellations</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n dispute(s)</source>
            <translation>
                <numerusform>%n dispute</numerusform>
                <numerusform>%n disputes</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n professional application(s)</source>
            <translation>
                <numerusform>%n professional application</numerusform>
                <numerusform>%n professional applications</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n review(s)</source>
            <translation>
                <numerusform>%n review</numerusform>
                <numerusform>%n reviews</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new sign-up(s)</source>
            <translation>
                <numerusform>%n new sign-up</numerusform>
                <numerusform>%n new sign-ups</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Toast</name>
        <message>
            <source>View booking</source>
            <translation>View booking</translation>
        </message>
        <message>
            <source>Review dispute</source>
            <translation>Review dispute</translation>
        </message>
        <message>
            <source>Review application</source>
            <translation>Review application</translation>
        </message>
        <message>
            <source>View review</source>
            <translation>View review</translation>
        </message>
        <message>
            <source>while you were away</source>
            <translation>while you were away</translation>
        </message>
        <message numerus="yes">
            <source>in the last %n minute(s)</source>
            <translation>
                <numerusform>in the last %n minute</numerusform>
                <numerusform>in the last %n minutes</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ToastChoices</name>
        <message>
            <source>New bookings</source>
            <translation>New bookings</translation>
        </message>
        <message>
            <source>Cancellations</source>
            <translation>Cancellations</translation>
        </message>
        <message>
            <source>New disputes</source>
            <translation>New disputes</translation>
        </message>
        <message>
            <source>Escalated disputes</source>
            <translation>Escalated disputes</translation>
        </message>
        <message>
            <source>Professional applications</source>
            <translation>Professional applications</translation>
        </message>
        <message>
            <source>Reviews</source>
            <translation>Reviews</translation>
        </message>
        <message>
            <source>Sign-ups</source>
            <translation>Sign-ups</translation>
        </message>
        <message>
            <source>Notification</source>
            <translation>Notification</translation>
        </message>
        <message>
            <source>Toast</source>
            <translation>Toast</translation>
        </message>
        <message>
            <source>Sound</source>
            <translation>Sound</translation>
        </message>
        <message>
            <source>Automatic (by priority)</source>
            <translation>Automatic (by priority)</translation>
        </message>
        <message>
            <source>Always its own toast</source>
            <translation>Always its own toast</translation>
        </message>
        <message>
            <source>Grouped into summaries</source>
            <translation>Grouped into summaries</translation>
        </message>
        <message>
            <source>List only, no toast</source>
            <translation>List only, no toast</translation>
        </message>
        <message>
            <source>Automatic (high and urgent)</source>
            <translation>Automatic (high and urgent)</translation>
        </message>
        <message>
            <source>Silent</source>
            <translation>Silent</translation>
        </message>
        <message>
            <source>Toast for %1</source>
            <translation>Toast for %1</translation>
        </message>
        <message>
            <source>Sound for %1</source>
            <translation>Sound for %1</translation>
        </message>
    </context>
    <context>
        <name>TrayController</name>
        <message>
            <source>LIA Admin is not connected</source>
            <translation>LIA Admin is not connected</translation>
        </message>
        <message>
            <source>{since}. It keeps retrying; nothing is lost, the notifications that arrive meanwhile show up once it is back.</source>
            <translation>{since}. It keeps retrying; nothing is lost, the notifications that arrive meanwhile show up once it is back.</translation>
        </message>
    </context>
</TS>

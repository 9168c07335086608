<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
    <context>
        <name>ActivityPanel</name>
        <message>
            <source>Live activity</source>
            <translation>Actividad en vivo</translation>
        </message>
        <message>
            <source>Online users</source>
            <translation>Usuarios en línea</translation>
        </message>
        <message>
            <source>Active sessions</source>
            <translation>Sesiones activas</translation>
        </message>
        <message>
            <source>Bookings (24 h)</source>
            <translation>Reservas (24 h)</translation>
        </message>
        <message>
            <source>On duty now</source>
            <translation>De turno ahora</translation>
        </message>
        <message>
            <source>{label}: {names}</source>
            <translation>{label}: {names}</translation>
        </message>
        <message>
            <source>{heading}: {figures}</source>
            <translation>{heading}: {figures}</translation>
        </message>
    </context>
    <context>
        <name>Away</name>
        <message>
            <source>You were Away while your screen was locked, {span}.</source>
            <translation>Estuvo Ausente mientras su pantalla estaba bloqueada, {span}.</translation>
        </message>
        <message>
            <source>You were Away while your computer was asleep, {span}.</source>
            <translation>Estuvo Ausente mientras su computador estaba suspendido, {span}.</translation>
        </message>
        <message>
            <source>Pick another duty from the tray menu's On duty.</source>
            <translation>Elija otro estado en «De turno» del menú de la bandeja.</translation>
        </message>
        <message>
            <source>You are Available again</source>
            <translation>Está Disponible de nuevo</translation>
        </message>
    </context>
    <context>
        <name>BookingsChart</name>
        <message>
            <source>Bookings</source>
            <translation>Reservas</translation>
        </message>
        <message>
            <source>Bookings per hour, last 24 h</source>
            <translation>Reservas por hora, últimas 24 h</translation>
        </message>
        <message>
            <source>{total} bookings in the last 24 h; the busiest hour {hour}:00 with {most}; {now} in the last hour</source>
            <translation>{total} reservas en las últimas 24 h; la hora con más, las {hour}:00, con {most}; {now} en la última hora</translation>
        </message>
    </context>
    <context>
        <name>Claims</name>
        <message>
            <source>now</source>
            <translation>ahora</translation>
        </message>
        <message numerus="yes">
            <source>%n min</source>
            <translation>
                <numerusform>%n min</numerusform>
                <numerusform>%n min</numerusform>
            </translation>
        </message>
        <message>
            <source>You</source>
            <translation>Usted</translation>
        </message>
        <message>
            <source>Taken by {name} · {age}</source>
            <translation>Tomada por {name} · {age}</translation>
        </message>
        <message>
            <source>{name} has it · {age}</source>
            <translation>La tiene {name} · {age}</translation>
        </message>
        <message>
            <source>You have it</source>
            <translation>La tiene usted</translation>
        </message>
        <message>
            <source>Taken by {name}</source>
            <translation>Tomada por {name}</translation>
        </message>
        <message>
            <source>{name} claimed {time}</source>
            <translation>{name} la tomó {time}</translation>
        </message>
        <message>
            <source>released {time}</source>
            <translation>liberada {time}</translation>
        </message>
        <message>
            <source>{name} released {time}</source>
            <translation>{name} la liberó {time}</translation>
        </message>
        <message>
            <source>{name} gave it to {to} {time}</source>
            <translation>{name} se la pasó a {to} {time}</translation>
        </message>
        <message>
            <source>Former admin</source>
            <translation>Antiguo administrador</translation>
        </message>
        <message>
            <source>Still yours: {title}</source>
            <translation>Sigue a su cargo: {title}</translation>
        </message>
        <message>
            <source>You claimed it {age} ago and it is not resolved yet.</source>
            <translation>La tomó hace {age} y aún no está resuelta.</translation>
        </message>
        <message>
            <source>Still open: {title}</source>
            <translation>Sigue abierta: {title}</translation>
        </message>
        <message>
            <source>{name} claimed it {age} ago and it is not resolved yet.</source>
            <translation>{name} la tomó hace {age} y aún no está resuelta.</translation>
        </message>
        <message>
            <source>Nobody has claimed: {title}</source>
            <translation>Nadie la ha tomado: {title}</translation>
        </message>
        <message numerus="yes">
            <source>Urgent and unclaimed for %n min.</source>
            <translation>
                <numerusform>Urgente y sin responsable desde hace %n min.</numerusform>
                <numerusform>Urgente y sin responsable desde hace %n min.</numerusform>
            </translation>
        </message>
        <message>
            <source>{name} · away</source>
            <translation>{name} · ausente</translation>
        </message>
        <message>
            <source>{name} · off duty</source>
            <translation>{name} · fuera de turno</translation>
        </message>
        <message>
            <source>Not given: this item no longer exists.</source>
            <translation>No se entregó: este elemento ya no existe.</translation>
        </message>
        <message>
            <source>Not given: {name} is no longer an admin.</source>
            <translation>No se entregó: {name} ya no es administrador.</translation>
        </message>
        <message>
            <source>Not given: this project asks for your authenticator code. Sign in again with it, then try again.</source>
            <translation>No se entregó: este proyecto pide el código de su aplicación de autenticación. Inicie sesión de nuevo con él e intente otra vez.</translation>
        </message>
        <message>
            <source>Not given: this account is no longer an admin.</source>
            <translation>No se entregó: esta cuenta ya no es de administrador.</translation>
        </message>
        <message>
            <source>Not given to {name}: the server could not be reached or failed. Try again in a moment.</source>
            <translation>No se entregó a {name}: no se pudo contactar el servidor o falló. Intente de nuevo en un momento.</translation>
        </message>
    </context>
    <context>
        <name>DemoBackend</name>
        <message>
            <source>The demo backend did not start (exit code {code}).</source>
            <translation>El servidor de la demostración no arrancó (código de salida {code}).</translation>
        </message>
    </context>
    <context>
        <name>DesktopApp</name>
        <message>
            <source>Your saved settings could not be read, so LIA Desktop starts as on a first run. The old file was kept next to the new one, and the log says what was wrong with it.</source>
            <translation>No se pudo leer su configuración guardada, así que LIA Desktop empieza como la primera vez. El archivo anterior se guardó junto al nuevo y el registro dice qué tenía mal.</translation>
        </message>
        <message>
            <source>Signed out on this computer, but the server could not be told: that session stays valid there until it expires or is revoked.</source>
            <translation>Se cerró la sesión en este computador, pero no se pudo avisar al servidor: allí esa sesión sigue siendo válida hasta que venza o se revoque.</translation>
        </message>
        <message>
            <source>The saved sign-in could not be removed from the system keyring.</source>
            <translation>No se pudo borrar el inicio de sesión guardado del llavero del sistema.</translation>
        </message>
        <message>
            <source>LIA Desktop could not start:</source>
            <translation>LIA Desktop no pudo iniciar:</translation>
        </message>
    </context>
    <context>
        <name>Duty</name>
        <message>
            <source>Not known while not connected</source>
            <translation>No se sabe mientras no hay conexión</translation>
        </message>
        <message>
            <source>Nobody</source>
            <translation>Nadie</translation>
        </message>
        <message>
            <source>{name} (away)</source>
            <translation>{name} (ausente)</translation>
        </message>
        <message>
            <source>On duty: not known while not connected</source>
            <translation>De turno: no se sabe mientras no hay conexión</translation>
        </message>
        <message>
            <source>Nobody is on duty</source>
            <translation>Nadie está de turno</translation>
        </message>
        <message>
            <source>On duty: {names}</source>
            <translation>De turno: {names}</translation>
        </message>
    </context>
    <context>
        <name>FallbackWindow</name>
        <message>
            <source>No system tray was found on this desktop, so LIA Admin keeps this small window open instead.</source>
            <translation>No se encontró una bandeja del sistema en este escritorio, así que LIA Admin deja abierta esta pequeña ventana en su lugar.</translation>
        </message>
        <message>
            <source>Notifications</source>
            <translation>Notificaciones</translation>
        </message>
        <message>
            <source>Stats</source>
            <translation>Estadísticas</translation>
        </message>
        <message>
            <source>More</source>
            <translation>Más</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>new vs previous 24 h</source>
            <translation>sin datos de las 24 h anteriores</translation>
        </message>
        <message>
            <source>new vs last month</source>
            <translation>sin datos del mes anterior</translation>
        </message>
        <message>
            <source>.</source>
            <comment>decimal separator</comment>
            <translation>,</translation>
        </message>
        <message>
            <source>{percent}% vs previous 24 h</source>
            <translation>{percent} % frente a las 24 h anteriores</translation>
        </message>
        <message>
            <source>{percent}% vs last month</source>
            <translation>{percent} % frente al mes anterior</translation>
        </message>
        <message>
            <source>Jan</source>
            <comment>short month</comment>
            <translation>ene</translation>
        </message>
        <message>
            <source>Feb</source>
            <comment>short month</comment>
            <translation>feb</translation>
        </message>
        <message>
            <source>Mar</source>
            <comment>short month</comment>
            <translation>mar</translation>
        </message>
        <message>
            <source>Apr</source>
            <comment>short month</comment>
            <translation>abr</translation>
        </message>
        <message>
            <source>May</source>
            <comment>short month</comment>
            <translation>may</translation>
        </message>
        <message>
            <source>Jun</source>
            <comment>short month</comment>
            <translation>jun</translation>
        </message>
        <message>
            <source>Jul</source>
            <comment>short month</comment>
            <translation>jul</translation>
        </message>
        <message>
            <source>Aug</source>
            <comment>short month</comment>
            <translation>ago</translation>
        </message>
        <message>
            <source>Sep</source>
            <comment>short month</comment>
            <translation>sept</translation>
        </message>
        <message>
            <source>Oct</source>
            <comment>short month</comment>
            <translation>oct</translation>
        </message>
        <message>
            <source>Nov</source>
            <comment>short month</comment>
            <translation>nov</translation>
        </message>
        <message>
            <source>Dec</source>
            <comment>short month</comment>
            <translation>dic</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>hace un momento</translation>
        </message>
        <message numerus="yes">
            <source>%n min ago</source>
            <translation>
                <numerusform>hace %n min</numerusform>
                <numerusform>hace %n min</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n h ago</source>
            <translation>
                <numerusform>hace %n h</numerusform>
                <numerusform>hace %n h</numerusform>
            </translation>
        </message>
        <message>
            <source>yesterday</source>
            <translation>ayer</translation>
        </message>
        <message numerus="yes">
            <source>%n d ago</source>
            <translation>
                <numerusform>hace %n día</numerusform>
                <numerusform>hace %n días</numerusform>
            </translation>
        </message>
        <message>
            <source>Connecting</source>
            <translation>Conectando</translation>
        </message>
        <message>
            <source>Live</source>
            <translation>En vivo</translation>
        </message>
        <message>
            <source>Reconnecting</source>
            <translation>Reconectando</translation>
        </message>
        <message>
            <source>Offline</source>
            <translation>Sin conexión</translation>
        </message>
        <message>
            <source>Session expired</source>
            <translation>Sesión vencida</translation>
        </message>
        <message>
            <source>Signed out</source>
            <translation>Sesión cerrada</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>Error</translation>
        </message>
        <message>
            <source>{phase} (attempt {attempt}, next in {seconds} s)</source>
            <translation>{phase} (intento {attempt}, siguiente en {seconds} s)</translation>
        </message>
        <message>
            <source>{phase}: {problem}</source>
            <translation>{phase}: {problem}</translation>
        </message>
        <message>
            <source>until {time}</source>
            <translation>hasta las {time}</translation>
        </message>
        <message>
            <source>until tomorrow {time}</source>
            <translation>hasta mañana a las {time}</translation>
        </message>
        <message>
            <source>until {date}</source>
            <translation>hasta el {date}</translation>
        </message>
        <message numerus="yes">
            <source>LIA Admin — %n unread — {state}</source>
            <translation>
                <numerusform>LIA Admin — %n sin leer — {state}</numerusform>
                <numerusform>LIA Admin — %n sin leer — {state}</numerusform>
            </translation>
        </message>
        <message>
            <source> — Do not disturb {until}</source>
            <translation> — No molestar {until}</translation>
        </message>
    </context>
    <context>
        <name>Notification</name>
        <message>
            <source>New booking</source>
            <translation>Nueva reserva</translation>
        </message>
        <message>
            <source>Booking cancelled</source>
            <translation>Reserva cancelada</translation>
        </message>
        <message>
            <source>New dispute</source>
            <translation>Nueva disputa</translation>
        </message>
        <message>
            <source>Dispute escalated</source>
            <translation>Disputa escalada</translation>
        </message>
        <message>
            <source>New professional</source>
            <translation>Nuevo profesional</translation>
        </message>
        <message>
            <source>New professional application</source>
            <translation>Nueva solicitud de profesional</translation>
        </message>
        <message>
            <source>Low rating</source>
            <translation>Calificación baja</translation>
        </message>
        <message>
            <source>New review</source>
            <translation>Nueva reseña</translation>
        </message>
        <message>
            <source>New sign-up</source>
            <translation>Nuevo registro</translation>
        </message>
        <message>
            <source>pending</source>
            <comment>professional status</comment>
            <translation>pendiente</translation>
        </message>
        <message>
            <source>approved</source>
            <comment>professional status</comment>
            <translation>aprobado</translation>
        </message>
        <message>
            <source>rejected</source>
            <comment>professional status</comment>
            <translation>rechazado</translation>
        </message>
        <message>
            <source>suspended</source>
            <comment>professional status</comment>
            <translation>suspendido</translation>
        </message>
        <message>
            <source>A customer</source>
            <translation>Un cliente</translation>
        </message>
        <message>
            <source>{customer} booked {service} · {price}</source>
            <translation>{customer} reservó {service} · {price}</translation>
        </message>
        <message>
            <source>{customer} booked {service} with {professional} · {price}</source>
            <translation>{customer} reservó {service} con {professional} · {price}</translation>
        </message>
        <message>
            <source>{service} with {professional}</source>
            <translation>{service} con {professional}</translation>
        </message>
        <message>
            <source>Booking #{booking} · {reason}</source>
            <translation>Reserva #{booking} · {reason}</translation>
        </message>
        <message>
            <source>{name} applied as {specialty}</source>
            <translation>{name} se postuló para {specialty}</translation>
        </message>
        <message>
            <source>{name} added as {specialty} · {status}</source>
            <translation>{name} se agregó en {specialty} · {status}</translation>
        </message>
        <message>
            <source>booking #{booking}</source>
            <translation>la reserva #{booking}</translation>
        </message>
        <message>
            <source>{rating}★ for {subject}</source>
            <translation>{rating}★ para {subject}</translation>
        </message>
    </context>
    <context>
        <name>NotificationCenter</name>
        <message>
            <source>Bookings</source>
            <translation>Reservas</translation>
        </message>
        <message>
            <source>Cancellations</source>
            <translation>Cancelaciones</translation>
        </message>
        <message>
            <source>Disputes</source>
            <translation>Disputas</translation>
        </message>
        <message>
            <source>Escalations</source>
            <translation>Escaladas</translation>
        </message>
        <message>
            <source>Applications</source>
            <translation>Solicitudes</translation>
        </message>
        <message>
            <source>Reviews</source>
            <translation>Reseñas</translation>
        </message>
        <message>
            <source>Sign-ups</source>
            <translation>Registros</translation>
        </message>
        <message>
            <source>You're all caught up.</source>
            <translation>Está al día.</translation>
        </message>
        <message>
            <source>Signed out. Sign in to see notifications.</source>
            <translation>Sesión cerrada. Inicie sesión para ver las notificaciones.</translation>
        </message>
        <message>
            <source>LIA Admin — Notifications</source>
            <translation>LIA Admin — Notificaciones</translation>
        </message>
        <message>
            <source>Notifications</source>
            <translation>Notificaciones</translation>
        </message>
        <message>
            <source>Show only the chosen types (several can be chosen)</source>
            <translation>Mostrar solo los tipos elegidos (puede elegir varios)</translation>
        </message>
        <message>
            <source>&amp;Hide read</source>
            <translation>&amp;Ocultar leídas</translation>
        </message>
        <message>
            <source>Show only unread notifications; read ones stay in the history</source>
            <translation>Mostrar solo las notificaciones sin leer; las leídas quedan en el historial</translation>
        </message>
        <message>
            <source>Mine</source>
            <translation>Mías</translation>
        </message>
        <message>
            <source>Show only the items you have claimed</source>
            <translation>Mostrar solo los elementos que usted tomó</translation>
        </message>
        <message>
            <source>Unclaimed</source>
            <translation>Sin responsable</translation>
        </message>
        <message>
            <source>Show only the items that need an owner</source>
            <translation>Mostrar solo los elementos que necesitan un responsable</translation>
        </message>
        <message>
            <source>Claim</source>
            <translation>Tomar</translation>
        </message>
        <message>
            <source>Give to…</source>
            <translation>Entregar a…</translation>
        </message>
        <message>
            <source>Hand this item to another admin (G)</source>
            <translation>Entregar este elemento a otro administrador (G)</translation>
        </message>
        <message>
            <source>Give to</source>
            <translation>Entregar a</translation>
        </message>
        <message>
            <source>Admins on duty first; away and off-duty admins are marked</source>
            <translation>Primero los administradores de turno; los ausentes y los fuera de turno van marcados</translation>
        </message>
        <message>
            <source>Mark read</source>
            <translation>Marcar como leída</translation>
        </message>
        <message>
            <source>Mark the selected notifications read (Space)</source>
            <translation>Marcar como leídas las notificaciones seleccionadas (Espacio)</translation>
        </message>
        <message>
            <source>Release</source>
            <translation>Liberar</translation>
        </message>
        <message>
            <source>Let another admin take this item (C)</source>
            <translation>Dejar que otro administrador tome este elemento (C)</translation>
        </message>
        <message>
            <source>Take this item so other admins know (C)</source>
            <translation>Tomar este elemento para que los demás administradores lo sepan (C)</translation>
        </message>
        <message>
            <source>No other admin on the team yet</source>
            <translation>Aún no hay otro administrador en el equipo</translation>
        </message>
        <message numerus="yes">
            <source>%n unread of the chosen types</source>
            <translation>
                <numerusform>%n sin leer de los tipos elegidos</numerusform>
                <numerusform>%n sin leer de los tipos elegidos</numerusform>
            </translation>
        </message>
        <message>
            <source>Mark &amp;all shown read</source>
            <translation>Marcar &amp;todas las mostradas como leídas</translation>
        </message>
        <message>
            <source>Mark the notifications of the chosen types read</source>
            <translation>Marcar como leídas las notificaciones de los tipos elegidos</translation>
        </message>
        <message numerus="yes">
            <source>%n unread</source>
            <translation>
                <numerusform>%n sin leer</numerusform>
                <numerusform>%n sin leer</numerusform>
            </translation>
        </message>
        <message>
            <source>Mark &amp;all read</source>
            <translation>Marcar &amp;todas como leídas</translation>
        </message>
        <message>
            <source>Mark every notification read</source>
            <translation>Marcar todas las notificaciones como leídas</translation>
        </message>
        <message>
            <source>↑ ↓ Home End: move · Enter: open in the web admin · Space: read/unread · C: claim or release · G: give to… · Ctrl+A: select all · {hide}: hide read · {mark_all}: mark all read · Esc: close</source>
            <translation>↑ ↓ Inicio Fin: moverse · Enter: abrir en el administrador web · Espacio: leída/sin leer · C: tomar o liberar · G: entregar a… · Ctrl+A: seleccionar todo · {hide}: ocultar leídas · {mark_all}: marcar todas como leídas · Esc: cerrar</translation>
        </message>
    </context>
    <context>
        <name>NotificationModel</name>
        <message>
            <source>Read: {title}, {when}</source>
            <translation>Leída: {title}, {when}</translation>
        </message>
        <message>
            <source>Unread, urgent: {title}, {when}</source>
            <translation>Sin leer, urgente: {title}, {when}</translation>
        </message>
        <message>
            <source>Unread: {title}, {when}</source>
            <translation>Sin leer: {title}, {when}</translation>
        </message>
    </context>
    <context>
        <name>OptionalEdit</name>
        <message>
            <source>to</source>
            <translation>a</translation>
        </message>
    </context>
    <context>
        <name>Outage</name>
        <message>
            <source>Not live since {time}</source>
            <translation>Sin conexión en vivo desde las {time}</translation>
        </message>
        <message>
            <source>Open notifications</source>
            <translation>Abrir notificaciones</translation>
        </message>
        <message>
            <source>LIA Admin is not connected</source>
            <translation>LIA Admin no está conectado</translation>
        </message>
        <message>
            <source>{since}. It keeps retrying; nothing is lost, the notifications that arrive meanwhile show up once it is back.</source>
            <translation>{since}. Sigue intentando; no se pierde nada: las notificaciones que lleguen mientras tanto aparecerán cuando vuelva la conexión.</translation>
        </message>
    </context>
    <context>
        <name>Problems</name>
        <message>
            <source>Both are in the Supabase dashboard: open your project, then Project Settings → API. Copy the Project URL and the 'anon public' key.</source>
            <translation>Ambos están en el panel de Supabase: abra su proyecto y luego Project Settings → API. Copie la Project URL y la clave 'anon public'.</translation>
        </message>
        <message>
            <source>the server</source>
            <translation>el servidor</translation>
        </message>
        <message>
            <source>Can't reach {server}. Check the address and your internet connection.</source>
            <translation>No se puede conectar con {server}. Revise la dirección y su conexión a internet.</translation>
        </message>
        <message>
            <source>{server} does not answer as a Supabase project. Check the address: in the Supabase dashboard, open Project Settings → API and copy the Project URL (https://….supabase.co).</source>
            <translation>{server} no responde como un proyecto de Supabase. Revise la dirección: en el panel de Supabase, abra Project Settings → API y copie la Project URL (https://….supabase.co).</translation>
        </message>
        <message>
            <source>{server} is a Supabase project without LIA's admin setup: it shows admin data to anyone. Check the address, or have LIA's database migrations applied there.</source>
            <translation>{server} es un proyecto de Supabase sin la configuración de administración de LIA: muestra datos de administración a cualquiera. Revise la dirección o pida que apliquen allí las migraciones de la base de datos de LIA.</translation>
        </message>
        <message>
            <source>The server did not accept this anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key of this project.</source>
            <translation>El servidor no aceptó esta clave anon. En el panel de Supabase, abra Project Settings → API y copie la clave 'anon public' de este proyecto.</translation>
        </message>
        <message>
            <source>Wrong email or password. Check both and try again; if the account is new, confirm its email address first.</source>
            <translation>Correo o contraseña incorrectos. Revise ambos e intente de nuevo; si la cuenta es nueva, confirme primero su correo electrónico.</translation>
        </message>
        <message>
            <source>This account is not a LIA administrator. Sign in with an admin account, or ask an administrator to give this one the admin role.</source>
            <translation>Esta cuenta no es de un administrador de LIA. Inicie sesión con una cuenta de administrador o pida a un administrador que le asigne ese rol.</translation>
        </message>
        <message>
            <source>Your session has ended. Please sign in again.</source>
            <translation>Su sesión terminó. Inicie sesión de nuevo.</translation>
        </message>
        <message>
            <source>The server could not complete the request. Try again in a moment; if it keeps failing, the app's log has the details.</source>
            <translation>El servidor no pudo completar la solicitud. Intente de nuevo en un momento; si sigue fallando, el registro de la aplicación tiene los detalles.</translation>
        </message>
        <message>
            <source>Required.</source>
            <translation>Obligatorio.</translation>
        </message>
        <message>
            <source>That is not an anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key.</source>
            <translation>Esa no es una clave anon. En el panel de Supabase, abra Project Settings → API y copie la clave 'anon public'.</translation>
        </message>
        <message>
            <source>That key is not the anon key (it may be the secret service_role key, which must never be used here). In Project Settings → API, copy the 'anon public' key.</source>
            <translation>Esa no es la clave anon (puede ser la clave secreta service_role, que nunca debe usarse aquí). En Project Settings → API, copie la clave 'anon public'.</translation>
        </message>
        <message>
            <source>Enter the web admin's address, such as https://admin.example.com: http or https, plain ASCII letters, no user name and no ? or # part.</source>
            <translation>Escriba la dirección del administrador web, por ejemplo https://admin.example.com: http o https, solo letras ASCII, sin nombre de usuario y sin partes con ? o #.</translation>
        </message>
        <message>
            <source>Quiet hours must end at another time than they start.</source>
            <translation>Las horas de silencio deben terminar a una hora distinta de la de inicio.</translation>
        </message>
        <message>
            <source>This value cannot be used. Choose another one.</source>
            <translation>Este valor no se puede usar. Elija otro.</translation>
        </message>
        <message>
            <source>The settings could not be saved ({reason}). Nothing was changed.</source>
            <translation>No se pudo guardar la configuración ({reason}). No se cambió nada.</translation>
        </message>
        <message>
            <source>unknown error</source>
            <translation>error desconocido</translation>
        </message>
        <message>
            <source>This project asks administrators for a second sign-in step. Sign in again and enter the code from your authenticator app.</source>
            <translation>Este proyecto pide a los administradores un segundo paso para iniciar sesión. Inicie sesión de nuevo y escriba el código de su aplicación de autenticación.</translation>
        </message>
        <message>
            <source>This project asks administrators for a code from an authenticator app, and this account has none yet. Sign in once in the LIA Desktop app to set one up.</source>
            <translation>Este proyecto pide a los administradores un código de una aplicación de autenticación, y esta cuenta aún no tiene una. Inicie sesión una vez en la aplicación LIA Desktop para configurarla.</translation>
        </message>
        <message>
            <source>That code is not right. Enter the 6-digit code your authenticator app shows now for LIA.</source>
            <translation>Ese código no es correcto. Escriba el código de 6 dígitos que su aplicación de autenticación muestra ahora para LIA.</translation>
        </message>
        <message>
            <source>That code has expired or was already used. Enter the new code your authenticator app shows.</source>
            <translation>Ese código venció o ya se usó. Escriba el código nuevo que muestra su aplicación de autenticación.</translation>
        </message>
        <message>
            <source>Too many tries in a short time. Wait a minute, then try again.</source>
            <translation>Demasiados intentos en poco tiempo. Espere un minuto e intente de nuevo.</translation>
        </message>
        <message>
            <source>That is not a Supabase URL. It starts with https:// and looks like https://your-project.supabase.co (Project Settings → API → Project URL).</source>
            <translation>Esa no es una URL de Supabase. Empieza por https:// y se ve así: https://su-proyecto.supabase.co (Project Settings → API → Project URL).</translation>
        </message>
        <message>
            <source>That address has a line break in it: paste the Project URL alone.</source>
            <translation>Esa dirección tiene un salto de línea: pegue solo la Project URL.</translation>
        </message>
        <message>
            <source>That address has a space or an invisible character in it.</source>
            <translation>Esa dirección tiene un espacio o un carácter invisible.</translation>
        </message>
        <message>
            <source>That address has no server name after ://.</source>
            <translation>Esa dirección no tiene nombre de servidor después de ://.</translation>
        </message>
        <message>
            <source>{host} is not a server name: it has characters other than letters, digits, dots and hyphens.</source>
            <translation>{host} no es un nombre de servidor: tiene caracteres distintos de letras, dígitos, puntos y guiones.</translation>
        </message>
        <message>
            <source>An IPv6 address goes between square brackets, both of them, such as http://[::1]:54321.</source>
            <translation>Una dirección IPv6 va entre corchetes, ambos, por ejemplo http://[::1]:54321.</translation>
        </message>
        <message>
            <source>Port {port} does not exist (1-65535).</source>
            <translation>El puerto {port} no existe (1-65535).</translation>
        </message>
        <message>
            <source>Copy the Project URL from the Supabase dashboard: Project Settings → API.</source>
            <translation>Copie la Project URL desde el panel de Supabase: Project Settings → API.</translation>
        </message>
    </context>
    <context>
        <name>SecondFactorForm</name>
        <message>
            <source>QR code for your authenticator app</source>
            <translation>Código QR para su aplicación de autenticación</translation>
        </message>
        <message>
            <source>Key</source>
            <translation>Clave</translation>
        </message>
        <message>
            <source>Tip: add this key to a second authenticator too (another phone or your password manager), so that losing one phone does not lock you out.</source>
            <translation>Consejo: agregue esta clave también a un segundo autenticador (otro celular o su gestor de contraseñas), para que perder un celular no le impida entrar.</translation>
        </message>
        <message>
            <source>The 6-digit code your authenticator app shows for LIA Admin.</source>
            <translation>El código de 6 dígitos que su aplicación de autenticación muestra para LIA Admin.</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>Código</translation>
        </message>
        <message>
            <source>Two-step sign-in: enter the 6-digit code your authenticator app shows for LIA Admin ({email}).</source>
            <translation>Inicio de sesión en dos pasos: escriba el código de 6 dígitos que su aplicación de autenticación muestra para LIA Admin ({email}).</translation>
        </message>
        <message>
            <source>This project asks administrators for a second sign-in step. Scan the QR code with an authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password), or type the key into it, then enter the 6-digit code it shows.</source>
            <translation>Este proyecto pide a los administradores un segundo paso para iniciar sesión. Escanee el código QR con una aplicación de autenticación (como Google Authenticator, Microsoft Authenticator o 1Password), o escriba la clave en ella, y luego ingrese el código de 6 dígitos que muestra.</translation>
        </message>
    </context>
    <context>
        <name>Service</name>
        <message>
            <source>Plumbing</source>
            <translation>Plomería</translation>
        </message>
        <message>
            <source>Electrician</source>
            <translation>Electricidad</translation>
        </message>
        <message>
            <source>Cleaning</source>
            <translation>Limpieza</translation>
        </message>
        <message>
            <source>House cleaning</source>
            <translation>Aseo del hogar</translation>
        </message>
        <message>
            <source>Painting</source>
            <translation>Pintura</translation>
        </message>
        <message>
            <source>Carpentry</source>
            <translation>Carpintería</translation>
        </message>
        <message>
            <source>Appliance repair</source>
            <translation>Reparación de electrodomésticos</translation>
        </message>
        <message>
            <source>Gardening</source>
            <translation>Jardinería</translation>
        </message>
        <message>
            <source>Locksmith</source>
            <translation>Cerrajería</translation>
        </message>
        <message>
            <source>AC maintenance</source>
            <translation>Mantenimiento de aire acondicionado</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>Everything</source>
            <translation>Todas</translation>
        </message>
        <message>
            <source>Medium and above</source>
            <translation>Media o superior</translation>
        </message>
        <message>
            <source>High and urgent</source>
            <translation>Alta y urgente</translation>
        </message>
        <message>
            <source>Urgent only</source>
            <translation>Solo urgentes</translation>
        </message>
        <message>
            <source> min</source>
            <translation> min</translation>
        </message>
        <message>
            <source>From {low} to {high} minutes</source>
            <translation>De {low} a {high} minutos</translation>
        </message>
        <message>
            <source>LIA Admin — Settings</source>
            <translation>LIA Admin — Configuración</translation>
        </message>
        <message>
            <source>From</source>
            <translation>Desde</translation>
        </message>
        <message>
            <source>Until</source>
            <translation>Hasta</translation>
        </message>
        <message>
            <source>Quiet hours</source>
            <translation>Horas de silencio</translation>
        </message>
        <message>
            <source>No toasts between these times every day; urgent ones still come</source>
            <translation>Sin avisos entre estas horas todos los días; los urgentes sí llegan</translation>
        </message>
        <message>
            <source>Quiet hours start</source>
            <translation>Inicio de las horas de silencio</translation>
        </message>
        <message>
            <source>Quiet hours end</source>
            <translation>Fin de las horas de silencio</translation>
        </message>
        <message>
            <source>Do not disturb</source>
            <translation>No molestar</translation>
        </message>
        <message>
            <source>No toasts until this time</source>
            <translation>Sin avisos hasta esta hora</translation>
        </message>
        <message>
            <source>Do not disturb until</source>
            <translation>No molestar hasta</translation>
        </message>
        <message>
            <source>Play a sound with toasts</source>
            <translation>Reproducir un sonido con los avisos</translation>
        </message>
        <message>
            <source>Start LIA Admin when I log in</source>
            <translation>Abrir LIA Admin al iniciar sesión en el computador</translation>
        </message>
        <message>
            <source>Urgent notifications break through do not disturb</source>
            <translation>Las notificaciones urgentes llegan aunque esté en No molestar</translation>
        </message>
        <message>
            <source>Set me Away while my screen is locked or asleep</source>
            <translation>Ponerme Ausente mientras mi pantalla esté bloqueada o el computador suspendido</translation>
        </message>
        <message>
            <source>Same as the system</source>
            <translation>Igual que el sistema</translation>
        </message>
        <message>
            <source>Supabase URL</source>
            <translation>URL de Supabase</translation>
        </message>
        <message>
            <source>Anon key</source>
            <translation>Clave anon</translation>
        </message>
        <message>
            <source>Web admin URL</source>
            <translation>URL del administrador web</translation>
        </message>
        <message>
            <source>Toasts for</source>
            <translation>Avisos para</translation>
        </message>
        <message>
            <source>Sounds</source>
            <translation>Sonidos</translation>
        </message>
        <message>
            <source>Urgent</source>
            <translation>Urgentes</translation>
        </message>
        <message>
            <source>Toasts by type</source>
            <translation>Avisos por tipo</translation>
        </message>
        <message>
            <source>Remind me of items I claimed after</source>
            <translation>Recordarme los elementos que tomé después de</translation>
        </message>
        <message>
            <source>Escalate urgent unclaimed items after</source>
            <translation>Escalar los urgentes sin responsable después de</translation>
        </message>
        <message>
            <source>Away</source>
            <translation>Ausente</translation>
        </message>
        <message>
            <source>Launch at login</source>
            <translation>Abrir al iniciar</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Idioma</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Guardar</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Verificando…</translation>
        </message>
    </context>
    <context>
        <name>SignInDialog</name>
        <message>
            <source>Sign in to LIA Admin</source>
            <translation>Iniciar sesión en LIA Admin</translation>
        </message>
        <message>
            <source>https://your-project.supabase.co</source>
            <translation>https://su-proyecto.supabase.co</translation>
        </message>
        <message>
            <source>public anon key</source>
            <translation>clave anon pública</translation>
        </message>
        <message>
            <source>The password of your LIA admin account. It is not saved; only the sign-in session is kept.</source>
            <translation>La contraseña de su cuenta de administrador de LIA. No se guarda; solo se conserva la sesión.</translation>
        </message>
        <message>
            <source>Supabase URL</source>
            <translation>URL de Supabase</translation>
        </message>
        <message>
            <source>Anon key</source>
            <translation>Clave anon</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>Correo electrónico</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>Contraseña</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>Iniciar sesión</translation>
        </message>
        <message>
            <source>Verifying…</source>
            <translation>Verificando…</translation>
        </message>
        <message>
            <source>Verify</source>
            <translation>Verificar</translation>
        </message>
        <message>
            <source>Signing in…</source>
            <translation>Iniciando sesión…</translation>
        </message>
    </context>
    <context>
        <name>StatCard</name>
        <message>
            <source>Total bookings</source>
            <translation>Reservas totales</translation>
        </message>
        <message>
            <source>Pending bookings</source>
            <translation>Reservas pendientes</translation>
        </message>
        <message>
            <source>Users</source>
            <translation>Usuarios</translation>
        </message>
        <message>
            <source>Revenue (completed)</source>
            <translation>Ingresos (completadas)</translation>
        </message>
        <message>
            <source>New professionals (30 d)</source>
            <translation>Profesionales nuevos (30 d)</translation>
        </message>
        <message>
            <source>Live</source>
            <translation>En vivo</translation>
        </message>
        <message>
            <source>Not live</source>
            <translation>Sin conexión en vivo</translation>
        </message>
        <message>
            <source>{title}: loading</source>
            <translation>{title}: cargando</translation>
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
            <source>Updated {time}</source>
            <translation>Actualizado a las {time}</translation>
        </message>
        <message>
            <source>Live</source>
            <translation>En vivo</translation>
        </message>
        <message>
            <source>Connecting</source>
            <translation>Conectando</translation>
        </message>
        <message>
            <source>Signed out</source>
            <translation>Sesión cerrada</translation>
        </message>
        <message>
            <source>Sign in again</source>
            <translation>Inicie sesión de nuevo</translation>
        </message>
        <message>
            <source>Disconnected</source>
            <translation>Desconectado</translation>
        </message>
        <message>
            <source>LIA Admin — Live stats</source>
            <translation>LIA Admin — Estadísticas en vivo</translation>
        </message>
        <message>
            <source>Live stats</source>
            <translation>Estadísticas en vivo</translation>
        </message>
        <message>
            <source>waiting for confirmation</source>
            <translation>esperando confirmación</translation>
        </message>
    </context>
    <context>
        <name>Summary</name>
        <message numerus="yes">
            <source>%n new booking(s)</source>
            <translation>
                <numerusform>%n reserva nueva</numerusform>
                <numerusform>%n reservas nuevas</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n cancellation(s)</source>
            <translation>
                <numerusform>%n cancelación</numerusform>
                <numerusform>%n cancelaciones</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n dispute(s)</source>
            <translation>
                <numerusform>%n disputa</numerusform>
                <numerusform>%n disputas</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n professional application(s)</source>
            <translation>
                <numerusform>%n solicitud de profesional</numerusform>
                <numerusform>%n solicitudes de profesionales</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n review(s)</source>
            <translation>
                <numerusform>%n reseña</numerusform>
                <numerusform>%n reseñas</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new sign-up(s)</source>
            <translation>
                <numerusform>%n registro nuevo</numerusform>
                <numerusform>%n registros nuevos</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Toast</name>
        <message>
            <source>Open notifications</source>
            <translation>Abrir notificaciones</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Abrir</translation>
        </message>
        <message>
            <source>Claim</source>
            <translation>Tomar</translation>
        </message>
        <message>
            <source>View booking</source>
            <translation>Ver reserva</translation>
        </message>
        <message>
            <source>Review dispute</source>
            <translation>Revisar disputa</translation>
        </message>
        <message>
            <source>Review application</source>
            <translation>Revisar solicitud</translation>
        </message>
        <message>
            <source>View review</source>
            <translation>Ver reseña</translation>
        </message>
        <message>
            <source>while you were away</source>
            <translation>mientras estaba ausente</translation>
        </message>
        <message numerus="yes">
            <source>in the last %n minute(s)</source>
            <translation>
                <numerusform>en el último minuto</numerusform>
                <numerusform>en los últimos %n minutos</numerusform>
            </translation>
        </message>
        <message>
            <source>View professional</source>
            <translation>Ver profesional</translation>
        </message>
        <message>
            <source>Remind me in 15 min</source>
            <translation>Recordarme en 15 min</translation>
        </message>
        <message>
            <source>Mark read</source>
            <translation>Marcar como leída</translation>
        </message>
        <message numerus="yes">
            <source>%n unread notification(s)</source>
            <translation>
                <numerusform>%n notificación sin leer</numerusform>
                <numerusform>%n notificaciones sin leer</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ToastChoices</name>
        <message>
            <source>Notification</source>
            <translation>Notificación</translation>
        </message>
        <message>
            <source>Toast</source>
            <translation>Aviso</translation>
        </message>
        <message>
            <source>Sound</source>
            <translation>Sonido</translation>
        </message>
        <message>
            <source>Automatic</source>
            <translation>Automático</translation>
        </message>
        <message>
            <source>Own toast</source>
            <translation>Aviso propio</translation>
        </message>
        <message>
            <source>Grouped</source>
            <translation>Agrupado</translation>
        </message>
        <message>
            <source>List only</source>
            <translation>Solo en la lista</translation>
        </message>
        <message>
            <source>On</source>
            <translation>Activado</translation>
        </message>
        <message>
            <source>Off</source>
            <translation>Desactivado</translation>
        </message>
        <message>
            <source>Automatic follows the priority: urgent and high get their own toast, medium ones are grouped into summaries, low ones only go to the list.</source>
            <translation>Automático sigue la prioridad: las urgentes y altas tienen su propio aviso, las medias se agrupan en resúmenes y las bajas solo van a la lista.</translation>
        </message>
        <message>
            <source>Automatic: a sound for urgent and high notifications only.</source>
            <translation>Automático: sonido solo para las notificaciones urgentes y altas.</translation>
        </message>
        <message>
            <source>Toast for %1</source>
            <translation>Aviso para %1</translation>
        </message>
        <message>
            <source>Sound for %1</source>
            <translation>Sonido para %1</translation>
        </message>
    </context>
    <context>
        <name>TrayMenu</name>
        <message>
            <source>Notifications</source>
            <translation>Notificaciones</translation>
        </message>
        <message>
            <source>Stats</source>
            <translation>Estadísticas</translation>
        </message>
        <message>
            <source>Do not disturb for 1 hour</source>
            <translation>No molestar durante 1 hora</translation>
        </message>
        <message>
            <source>Do not disturb until tomorrow 8:00</source>
            <translation>No molestar hasta mañana a las 8:00</translation>
        </message>
        <message>
            <source>Resume notifications</source>
            <translation>Reanudar notificaciones</translation>
        </message>
        <message>
            <source>Quiet hours…</source>
            <translation>Horas de silencio…</translation>
        </message>
        <message>
            <source>Settings…</source>
            <translation>Configuración…</translation>
        </message>
        <message>
            <source>Sign in…</source>
            <translation>Iniciar sesión…</translation>
        </message>
        <message>
            <source>Sign out</source>
            <translation>Cerrar sesión</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Salir</translation>
        </message>
        <message>
            <source>On duty</source>
            <translation>De turno</translation>
        </message>
        <message>
            <source>Available</source>
            <translation>Disponible</translation>
        </message>
        <message>
            <source>Away</source>
            <translation>Ausente</translation>
        </message>
        <message>
            <source>Off duty</source>
            <translation>Fuera de turno</translation>
        </message>
        <message>
            <source>Resume notifications (do not disturb %1)</source>
            <translation>Reanudar notificaciones (no molestar %1)</translation>
        </message>
    </context>
</TS>
